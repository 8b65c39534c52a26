/** Simulation models of the seed's analysis: the oversell timeline and the four sync levels. */
export type * from './types.ts';
export { runTimeline, groupTimelineRows, retailerOrderTimes, timeLabel, TIMELINE_SYNCS, REALTIME_PUSH_DELAY_SECONDS } from './timeline.ts';
export { runLevels, runLevelsOnWorkload, modelRealtimeRunner, DEFAULT_LEVELS_OPTIONS } from './levels.ts';
export type { RunLevelsOptions } from './levels.ts';
export { generateWorkload, retailerProfiles, validateLevelsOptions } from './workload.ts';
export { runSku, runSnapshotLevel, sampleSyncPlan, lastRefresh, skuRetailers, LEVEL_SYNC_RANGES } from './snapshot-model.ts';
export { formatLevels, formatTimeline } from './format.ts';
export { createRng } from './prng.ts';
export type { Rng } from './prng.ts';
