/**
 * Event-to-store lag through the emulators: a stock `set` is committed by the engine (ingestEvents returns)
 * and the clock runs until each emulator's store shows the new quantity (read in-process every ~1 ms).
 * Shopify with 1, 10 and 50 stores at 0 and 80 ms emulator latency (80 ms: a real store's call); WooCommerce at
 * 0, 150 and 640 ms (640 ms: a real store's batch call of one item, about 0.5 s per call plus 0.14 s per item).
 * Baseline: one bare API write straight to an emulator (no engine, no connector) in the same run; the ratio
 * lag / bare round trip is what the engine and connector add over the platform's own round trip.
 */
import { startFleet, type Fleet, type FleetPlatform } from './lib/fleet.ts';
import { nowMs, sleep, summarize, type BenchOptions, type BenchSection, type Measurement } from './lib/index.ts';

const EVENT_DEADLINE_MS = 20_000;

interface Scenario {
  platform: FleetPlatform;
  stores: number;
  latencies: number[];
}

const SCENARIOS: Scenario[] = [
  { platform: 'shopify', stores: 1, latencies: [0, 80] },
  { platform: 'shopify', stores: 10, latencies: [0, 80] },
  { platform: 'shopify', stores: 50, latencies: [0, 80] },
  { platform: 'woocommerce', stores: 1, latencies: [0, 150, 640] },
  { platform: 'woocommerce', stores: 10, latencies: [0, 150, 640] },
  { platform: 'woocommerce', stores: 50, latencies: [0, 150, 640] },
];

function eventsFor(stores: number, quick: boolean): number {
  if (quick) return stores >= 50 ? 3 : stores >= 10 ? 5 : 10;
  return stores >= 50 ? 10 : stores >= 10 ? 20 : 40;
}

let seq = 0;
/** Every event sets a quantity never used before in this run, so each one is a visible change on every store. */
let nextQuantity = 1000;

/** Sets `sku` to `quantity` and returns per-store lag (ms from commit to the store showing it); null = missed deadline. */
async function oneEvent(fleet: Fleet, sku: string, quantity: number): Promise<(number | null)[]> {
  const seen: (number | null)[] = fleet.stores.map(() => null);
  const res = await fleet.engine.ingestEvents(fleet.supplierId, [
    { id: `bench-${process.pid}-${++seq}`, sku, location: 'main', kind: 'set', quantity, occurredAt: new Date().toISOString(), source: 'bench' },
  ]);
  const committed = nowMs();
  if (res.applied !== 1) throw new Error(`stock event not applied: ${JSON.stringify(res.results)}`);
  let left = fleet.stores.length;
  while (left > 0 && nowMs() - committed < EVENT_DEADLINE_MS) {
    const t = nowMs();
    fleet.stores.forEach((s, i) => {
      if (seen[i] === null && s.shows(sku) === quantity) {
        seen[i] = t - committed;
        left--;
      }
    });
    if (left > 0) await sleep(1);
  }
  return seen;
}

/** Waits until every store shows `quantity` for every SKU (warm-up after setup or a latency change). */
async function settle(fleet: Fleet, quantity: number): Promise<void> {
  for (const sku of fleet.skus) {
    const lags = await oneEvent(fleet, sku, quantity);
    if (lags.some((l) => l === null)) throw new Error(`warm-up: ${lags.filter((l) => l === null).length} stores never showed ${sku}=${quantity}`);
  }
}

async function bareRoundTrips(fleet: Fleet, n: number): Promise<number[]> {
  const store = fleet.stores[0]!;
  const sku = fleet.skus[0]!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = nowMs();
    await store.bareWrite(sku, nextQuantity++);
    out.push(nowMs() - t0);
  }
  return out;
}

async function measureScenario(fleet: Fleet, sc: Scenario, latency: number, quick: boolean, log: (l: string) => void): Promise<Measurement[]> {
  for (const s of fleet.stores) s.setLatency(latency);
  const label = `${sc.platform}, ${sc.stores} store${sc.stores > 1 ? 's' : ''}, ${latency} ms latency`;
  const bare = summarize(await bareRoundTrips(fleet, quick ? 10 : 30));
  const t0 = nowMs();
  await settle(fleet, nextQuantity++);
  log(`${label}: settled in ${(nowMs() - t0).toFixed(0)} ms`);
  const lags: number[] = [];
  let missed = 0;
  const events = eventsFor(sc.stores, quick);
  for (let e = 0; e < events; e++) {
    const sku = fleet.skus[e % fleet.skus.length]!;
    for (const l of await oneEvent(fleet, sku, nextQuantity++)) {
      if (l === null) missed++;
      else lags.push(l);
    }
  }
  const s = summarize(lags);
  log(`${label}: lag p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms; bare round trip p50 ${bare.p50.toFixed(1)} ms${missed ? `; ${missed} missed` : ''}`);
  const bareName = `bare ${sc.platform === 'shopify' ? 'inventorySetQuantities' : 'products batch'} round trip, ${latency} ms`;
  return [
    {
      name: `${label}: event -> store shows it`,
      unit: 'ms',
      median: s.p50,
      p90: s.p90,
      p99: s.p99,
      max: s.max,
      samples: lags.length,
      baseline: { name: bareName, value: bare.p50 },
      ...(missed ? { note: `${missed} store updates missed the ${EVENT_DEADLINE_MS / 1000} s deadline` } : {}),
    },
    { name: `${label}: ${bareName}`, unit: 'ms', median: bare.p50, p90: bare.p90, p99: bare.p99, max: bare.max, samples: bare.n },
  ];
}

export async function run(opts: BenchOptions): Promise<BenchSection> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  for (const sc of SCENARIOS) {
    opts.log(`starting ${sc.stores} ${sc.platform} emulator(s)`);
    let fleet: Fleet;
    const t0 = nowMs();
    try {
      fleet = await startFleet(sc.platform, sc.stores, sc.latencies[0]!);
      opts.log(`set up in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      notes.push(`${sc.platform} x${sc.stores}: could not start: ${(err as Error).message}`);
      continue;
    }
    try {
      for (const latency of sc.latencies) measurements.push(...(await measureScenario(fleet, sc, latency, opts.quick, opts.log)));
    } catch (err) {
      notes.push(`${sc.platform} x${sc.stores}: ${(err as Error).message}`);
    } finally {
      await fleet.close();
    }
  }
  return {
    title: 'Event-to-store lag through the emulators',
    description:
      'Engine on PGlite in memory, real connectors, one emulator per store on 127.0.0.1. Lag = engine commit of a stock `set` ' +
      '-> the emulator store shows the new quantity (in-process read every ~1 ms), one sample per store per event. ' +
      'Ratio = lag p50 / a bare single-item API write to one emulator (same latency, same run): what the engine and ' +
      'connector add over the platform round trip, including queueing across stores. WooCommerce pushes read back what they wrote. ' +
      'The Shopify emulator applies a write before its latency delay and the WooCommerce one after it, so with latency a Shopify ' +
      'store can show the number before the connector has its answer (ratio below 1 for one store).',
    measurements,
    notes,
  };
}
