/** Peak resident set size while a piece of work runs, sampled on an unref'd timer. */

export interface RssSampler {
  /** Stops sampling; returns the peak seen, MB. */
  stop(): number;
}

export function sampleRss(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return peak / (1024 * 1024);
    },
  };
}
