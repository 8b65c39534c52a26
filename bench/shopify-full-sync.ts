/**
 * Full sync of a Shopify store through the connector, against the in-process emulator on a given plan: read
 * every level (nodes by id, 250 a call, 750 points), then push every quantity with compare-and-swap
 * (inventorySetQuantities, 250 a call). Compares the time taken with the least time Shopify's cost bucket
 * allows for that work (planFullSync), target <= 1.2x.
 *
 * Time: by default a "skip clock": real time plus every wait the bucket imposes, skipped instead of slept
 * (emulator and connector share the clock, so the emulator's bucket restores exactly as if the wait had
 * happened). Processing time is real; only idle waiting is fast-forwarded. `--real` sleeps for real
 * (about 2.2 minutes for 5,000 SKUs on Standard).
 * Run: node --import tsx bench/shopify-full-sync.ts [--skus 5000] [--plan standard] [--real]
 */
import { pathToFileURL } from 'node:url';
import { createShopifyConnector, planFullSync, type ShopifyPlan } from '../src/connectors/shopify/index.ts';
import type { PushItem } from '../src/connectors/types.ts';
import type { Clock } from '../src/domain/types.ts';
import { startShopifyEmulator } from '../src/emulators/shopify/index.ts';
import type { BenchOptions, BenchSection } from './lib/index.ts';

export interface ShopifyFullSyncFigures {
  skus: number;
  plan: ShopifyPlan;
  clock: 'skip' | 'real';
  requests: number;
  throttled: number;
  points: number;
  minimumPoints: number;
  ms: number;
  minimumMs: number;
  bucketSize: number;
  restoreRate: number;
  ratio: number;
  waitedMs: number;
  pushed: number;
  failed: number;
}

export interface ShopifyFullSyncOptions extends Partial<BenchOptions> {
  skus?: number;
  plan?: ShopifyPlan;
  real?: boolean;
}

/** Real time plus fast-forwarded waits. */
class SkipClock implements Clock {
  skipped = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  sleep = async (ms: number): Promise<void> => {
    this.skipped += ms;
  };
}

export async function fullSync(opts: ShopifyFullSyncOptions = {}): Promise<ShopifyFullSyncFigures> {
  const skus = opts.skus ?? 5_000;
  const plan = opts.plan ?? 'standard';
  const skip = new SkipClock();
  const real = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  const clock = opts.real ? real : skip;
  const emu = await startShopifyEmulator({ skus, plan, seed: 5, clock });
  let waited = 0;
  /** Every wait, the connector's (reads) and the dispatcher's (pushes), counted. */
  const wait = async (ms: number) => {
    waited += ms;
    await clock.sleep(ms);
  };
  try {
    const conn = createShopifyConnector(
      {
        storeId: 'bench',
        supplierId: 'bench',
        platform: 'shopify',
        config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId },
        credentials: { accessToken: emu.accessToken, webhookSecret: emu.clientSecret },
      },
      { clock, sleep: (ms) => wait(ms) },
    );
    const rows = emu.control.levels();
    const t0 = clock.now();
    const levels = await conn.readLevels(rows.map((r) => r.inventoryItemId));
    const current = new Map(levels.map((l) => [l.externalId, l.quantity]));
    let pushed = 0;
    let failed = 0;
    const items: PushItem[] = rows.map((r, i) => ({
      listingId: r.sku,
      sku: r.sku,
      externalId: r.inventoryItemId,
      externalLocationId: emu.locationId,
      quantity: (i * 7) % 53,
      lastConfirmed: current.get(r.inventoryItemId) ?? null,
    }));
    // What the engine's dispatcher does: consult rateLimit(), wait if told to, push a batch, repeat.
    for (let i = 0; i < items.length; ) {
      const w = conn.rateLimit().waitMs;
      if (w > 0) await wait(w);
      const res = await conn.push(items.slice(i, i + conn.maxBatch));
      if (res.retryAfterMs !== undefined) {
        await wait(res.retryAfterMs);
        continue;
      }
      pushed += res.items.filter((r) => r.ok).length;
      failed += res.items.filter((r) => !r.ok).length;
      i += conn.maxBatch;
    }
    const ms = clock.now() - t0;
    const log = emu.control.requests();
    const plan0 = planFullSync(skus, plan);
    return {
      skus,
      plan,
      clock: opts.real ? 'real' : 'skip',
      requests: log.length,
      throttled: log.filter((r) => r.throttled).length,
      points: log.reduce((s, r) => s + (r.actualCost ?? 0), 0),
      minimumPoints: plan0.points,
      ms: Math.round(ms),
      minimumMs: Math.round(plan0.minMs),
      bucketSize: plan0.bucketSize,
      restoreRate: plan0.restoreRate,
      ratio: plan0.minMs > 0 ? Math.round((ms / plan0.minMs) * 1000) / 1000 : Number.NaN,
      waitedMs: Math.round(waited),
      pushed,
      failed,
    };
  } finally {
    await emu.close();
  }
}

/** For bench/run.ts: the full-sync time against the bucket's minimum as baseline. */
export async function run(opts: ShopifyFullSyncOptions = {}): Promise<BenchSection & { figures: ShopifyFullSyncFigures }> {
  const f = await fullSync({ ...opts, skus: opts.skus ?? (opts.quick ? 1_000 : 5_000) });
  opts.log?.(`${f.skus} SKUs on ${f.plan}: ${f.ms} ms vs minimum ${f.minimumMs} ms (${f.ratio}x), ${f.requests} requests, ${f.throttled} throttled`);
  return {
    title: `Shopify full sync: ${f.skus} SKUs on the ${f.plan} plan (read levels + compare-and-swap push, 250 per call)`,
    description:
      'connector.readLevels then connector.push in 250-item batches against the in-process emulator, pacing from rateLimit(); ' +
      `baseline = least time the cost bucket allows: (${f.minimumPoints} points - a full bucket of ${f.bucketSize}) / ${f.restoreRate} points/s; ${f.clock} clock`,
    measurements: [
      { name: 'full sync time', unit: 'ms', median: f.ms, samples: 1, baseline: { name: 'bucket minimum', value: f.minimumMs } },
      { name: 'requests', unit: 'calls', median: f.requests, samples: 1, note: `${f.throttled} answered THROTTLED` },
      { name: 'points spent', unit: 'points', median: f.points, samples: 1, baseline: { name: 'planned points', value: f.minimumPoints } },
    ],
    notes: [`${f.pushed} quantities confirmed, ${f.failed} failed; waited ${f.waitedMs} ms for the bucket (${f.clock} clock)`],
    figures: f,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const val = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const figures = await fullSync({
    skus: Number(val('--skus') ?? 5_000),
    plan: (val('--plan') ?? 'standard') as ShopifyPlan,
    real: args.includes('--real'),
  });
  console.log(JSON.stringify(figures, null, 2));
}
