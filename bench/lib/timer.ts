/** Monotonic timing with process.hrtime.bigint(), in milliseconds as floats. */

const start = process.hrtime.bigint();

/** Milliseconds since this module loaded (monotonic, sub-microsecond resolution). */
export function nowMs(): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs fn once and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/**
 * Throughput of a synchronous function over `rounds` rounds: each round calls `fn(i)` `iterations` times
 * and yields operations per second. Returns the per-round figures so callers can take median/percentiles.
 */
export function throughputRounds(fn: (i: number) => unknown, iterations: number, rounds: number): number[] {
  const out: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (fn(i) === sink) sink++;
    const ns = Number(process.hrtime.bigint() - t0);
    out.push(iterations / (ns / 1e9));
  }
  // Keep `sink` observable so the loop cannot be optimised away.
  if (sink === -1) console.log(sink);
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
