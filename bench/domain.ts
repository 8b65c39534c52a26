/**
 * Domain core speed: allocateSku per strategy for 5 and 50 retailers, over a fixed, seeded set of
 * realistic inputs (floors, ceilings, tiers, velocities, some new retailers, buffers and reserves).
 * Baseline: a trivial loop over the same inputs that splits the pool equally into a fresh record, so the
 * ratio shows what the real rules cost over the bare iteration and allocation.
 */
import { allocateSku, randomInt, seededRng, STRATEGIES, type SkuAllocationInput, type Strategy } from '../src/domain/index.ts';
import { summarize, type BenchOptions, type BenchSection, type Measurement } from './lib/index.ts';

const INPUTS = 1000;

export function makeInputs(strategy: Strategy, retailers: number, count: number, seed = 42): SkuAllocationInput[] {
  const r = seededRng(seed + retailers);
  const int = (lo: number, hi: number) => randomInt(r, lo, hi);
  return Array.from({ length: count }, (_, k) => ({
    onHand: int(0, 2000),
    committed: int(0, 50),
    held: int(0, 10),
    ownReserve: k % 2 ? { percent: int(0, 40) } : { units: int(0, 100) },
    buffer: k % 3 === 0 ? { percent: 5 } : k % 3 === 1 ? { units: int(0, 20) } : { table: { velocity: r() * 60, syncDelaySeconds: 1 } },
    deactivationThreshold: int(0, 5),
    strategy,
    retailers: Array.from({ length: retailers }, (_, i) => ({
      id: `r${String(i).padStart(3, '0')}`,
      floor: int(0, 30),
      ceiling: r() < 0.7 ? int(40, 400) : undefined,
      tier: int(1, 3),
      velocity: r() * 20,
      historyDays: r() < 0.2 ? int(0, 13) : int(14, 90),
      excluded: r() < 0.05,
    })),
  }));
}

/** Baseline: same inputs, the trivial equal split with no rules. */
function trivial(input: SkuAllocationInput): Record<string, number> {
  const pool = Math.max(0, input.onHand - (input.committed ?? 0) - (input.held ?? 0));
  const share = Math.floor(pool / input.retailers.length);
  const shown: Record<string, number> = {};
  for (const ret of input.retailers) shown[ret.id] = share;
  return shown;
}

/**
 * Per-call time in microseconds: the work is timed in batches of about 1 ms (so timer overhead vanishes) and
 * each batch yields one sample of time per call; the median and tail come from those samples.
 */
function measure(name: string, fn: (i: number) => unknown, totalMs: number): Measurement {
  let sink = 0;
  const batch = (n: number, from: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (fn(from + i) === sink) sink++;
    return Number(process.hrtime.bigint() - t0) / 1e3 / n;
  };
  // Warm-up until the JIT settles (a fixed amount of work, then a probe to size the batches).
  const warmEnd = process.hrtime.bigint() + 100_000_000n;
  let k = 0;
  while (process.hrtime.bigint() < warmEnd) batch(100, (k += 100));
  const perCallUs = batch(1000, 0);
  const size = Math.max(10, Math.round(1000 / perCallUs));
  const samples: number[] = [];
  const end = process.hrtime.bigint() + BigInt(Math.round(totalMs * 1e6));
  while (process.hrtime.bigint() < end) samples.push(batch(size, (k += size)));
  if (sink === -1) console.log(sink);
  const s = summarize(samples);
  return {
    name,
    unit: 'us/call',
    median: s.p50,
    p90: s.p90,
    p99: s.p99,
    samples: samples.length,
    note: `${Math.round(1e6 / s.p50).toLocaleString('en-US')} calls/s`,
  };
}

export async function run(opts: BenchOptions): Promise<BenchSection> {
  const totalMs = opts.quick ? 150 : 600;
  const measurements: Measurement[] = [];
  for (const size of [5, 50]) {
    const base = makeInputs('equal', size, INPUTS);
    const baseline = measure(`trivial loop, ${size} retailers`, (i) => trivial(base[i % INPUTS]!), totalMs);
    measurements.push(baseline);
    for (const strategy of STRATEGIES) {
      const inputs = makeInputs(strategy, size, INPUTS);
      opts.log(`allocateSku ${strategy}, ${size} retailers`);
      const m = measure(`allocateSku ${strategy}, ${size} retailers`, (i) => allocateSku(inputs[i % INPUTS]!), totalMs);
      measurements.push({ ...m, baseline: { name: baseline.name, value: baseline.median } });
    }
  }
  return {
    title: 'Domain core: allocateSku time per call',
    description:
      `Microseconds per allocateSku call over ${INPUTS} seeded inputs per strategy (reserves, buffers, thresholds, floors, ` +
      `ceilings, tiers, velocities, 20% new retailers, 5% excluded), timed in ~1 ms batches for ${totalMs} ms each; ` +
      'n = batches. Ratio = allocateSku / a trivial equal-split loop over the same inputs (how many times its cost).',
    measurements,
  };
}
