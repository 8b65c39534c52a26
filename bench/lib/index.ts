/** Shared benchmark helpers: types, percentiles, timing, peak RSS sampling and report formatting. */
export type * from './types.ts';
export { median, percentile, percentileSorted, summarize, type Summary } from './stats.ts';
export { nowMs, sleep, throughputRounds, timed } from './timer.ts';
export { sampleRss, type RssSampler } from './rss.ts';
export { fmtNum, fmtRatio, markdownTable, renderModule, textTable, withRatio } from './format.ts';
