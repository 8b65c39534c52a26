/**
 * Full sync of a WooCommerce store through the connector: every SKU (half of them variations) written in
 * 100-item batches against the in-process emulator. Reports calls made against the minimum WooCommerce
 * allows (one call per 100 simple products, one per 100 variations of each parent) and the time taken.
 * Run: node --import tsx bench/woo-full-sync.ts [skus] [latencyMs]
 */
import { pathToFileURL } from 'node:url';
import { createWooConnector } from '../src/connectors/woocommerce/index.ts';
import type { PushItem } from '../src/connectors/types.ts';
import { startWooEmulator } from '../src/emulators/woocommerce/index.ts';
import type { BenchOptions, BenchSection } from './lib/index.ts';

export interface WooFullSyncFigures {
  skus: number;
  simpleProducts: number;
  variations: number;
  parents: number;
  calls: number;
  minimumCalls: number;
  ok: number;
  failed: number;
  latencyMs: number;
  concurrency: number;
  ms: number;
  itemsPerSecond: number;
}

export interface WooFullSyncOptions extends Partial<BenchOptions> {
  skus?: number;
  variationsRatio?: number;
  latencyMs?: number;
  concurrency?: number;
}

/** For bench/run.ts: a section whose `figures` hold the raw numbers (calls against the minimum as baseline). */
export async function run(opts: WooFullSyncOptions = {}): Promise<BenchSection & { figures: WooFullSyncFigures }> {
  const f = await fullSync({ ...opts, skus: opts.skus ?? (opts.quick ? 2_000 : 10_000) });
  opts.log?.(`${f.skus} SKUs, ${f.calls} calls (minimum ${f.minimumCalls}), ${f.ms} ms`);
  return {
    title: `WooCommerce full sync: ${f.skus} SKUs (${f.variations} variations under ${f.parents} parents), 100-item batches`,
    description: 'connector.push of every SKU against the in-process emulator; minimum = one call per 100 simple products plus one per 100 variations of each parent',
    measurements: [
      { name: 'calls made', unit: 'calls', median: f.calls, samples: 1, baseline: { name: 'minimum calls', value: f.minimumCalls } },
      { name: 'full sync time', unit: 'ms', median: f.ms, samples: 1, note: `latency ${f.latencyMs} ms, concurrency ${f.concurrency}` },
      { name: 'throughput', unit: 'items/s', median: f.itemsPerSecond, samples: 1 },
    ],
    notes: [`${f.ok} items confirmed, ${f.failed} failed`],
    figures: f,
  };
}

export async function fullSync(opts: WooFullSyncOptions = {}): Promise<WooFullSyncFigures> {
  const skus = opts.skus ?? 10_000;
  const latencyMs = opts.latencyMs ?? 0;
  const concurrency = opts.concurrency ?? 2;
  const emu = await startWooEmulator({ skus, variationsRatio: opts.variationsRatio ?? 0.5, seed: 42, knobs: { latencyMs }, requestLogLimit: 1_000_000 });
  try {
    const clock = { now: () => Date.now() };
    const conn = createWooConnector(
      { storeId: 'bench', supplierId: 'bench', platform: 'woocommerce', config: { baseUrl: emu.url, concurrency }, credentials: { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret } },
      { clock },
    );
    const rows = emu.control.stock();
    const items: PushItem[] = rows.map((r, i) => ({
      listingId: `L${r.id}`,
      sku: r.sku,
      externalId: r.parentId ? `variation:${r.parentId}:${r.id}` : `product:${r.id}`,
      quantity: (i * 7) % 97,
      lastConfirmed: r.stockQuantity,
    }));
    const perParent = new Map<number, number>();
    for (const r of rows) perParent.set(r.parentId, (perParent.get(r.parentId) ?? 0) + 1);
    let minimumCalls = 0;
    for (const count of perParent.values()) minimumCalls += Math.ceil(count / 100);
    emu.control.clearRequests();
    const started = performance.now();
    const result = await conn.push(items);
    const ms = performance.now() - started;
    const ok = result.items.filter((r) => r.ok).length;
    return {
      skus: rows.length,
      simpleProducts: perParent.get(0) ?? 0,
      variations: rows.length - (perParent.get(0) ?? 0),
      parents: perParent.size - (perParent.has(0) ? 1 : 0),
      calls: emu.control.requests().length,
      minimumCalls,
      ok,
      failed: result.items.length - ok,
      latencyMs,
      concurrency,
      ms: Math.round(ms),
      itemsPerSecond: Math.round((rows.length / ms) * 1000),
    };
  } finally {
    await emu.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const skus = process.argv[2] ? Number(process.argv[2]) : undefined;
  const latencyMs = process.argv[3] ? Number(process.argv[3]) : undefined;
  const figures = await fullSync({ ...(skus ? { skus } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
