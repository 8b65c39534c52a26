/**
 * The demo's load: the supplier's own channels (Amazon, eBay, its own shop, wholesale) change stock, sent to
 * dropsync as stock events through the API, and retailer shoppers buy on the emulated stores, which tell
 * dropsync by webhook (or not, on the lossy host: polling finds those orders).
 */
import type { Clock } from '../domain/types.ts';
import type { Rng } from '../sim/prng.ts';
import { buy, type RunningStore } from './emulators.ts';
import type { DemoSku, DemoStats } from './types.ts';

const CHANNELS = ['amazon', 'ebay', 'own-shop', 'wholesale'];

export interface StockEventBody {
  id: string;
  sku: string;
  location: string;
  kind: 'adjust';
  delta: number;
  occurredAt: string;
  source: string;
  reason: string;
}

export interface LoadDeps {
  clock: Clock;
  rng: Rng;
  catalogue: readonly DemoSku[];
  stores: readonly RunningStore[];
  /** Sends stock events to dropsync (the API's POST /v1/stock-events). */
  sendEvents(events: StockEventBody[]): Promise<void>;
  stats: DemoStats;
  stockBatchesPerSecond: number;
  shopperOrdersPerSecond: number;
  onError(err: unknown): void;
}

export interface Load {
  stop(): Promise<void>;
}

export function startLoad(d: LoadDeps): Load {
  // The supplier's own view of what it can still sell through its channels.
  const sellable = new Map(d.catalogue.map((c) => [c.sku, c.stock]));
  let seq = 0;
  let inflight: Promise<void> = Promise.resolve();
  let busy = false;

  const stockTick = (): void => {
    if (busy) return; // never queue up behind a slow server
    const events: StockEventBody[] = [];
    const n = d.rng.int(1, 5);
    for (let i = 0; i < n; i++) {
      const item = d.catalogue[d.rng.int(0, d.catalogue.length - 1)]!;
      const have = sellable.get(item.sku) ?? 0;
      const roll = d.rng.next();
      let delta: number;
      let reason: string;
      if (roll < 0.85) {
        delta = -Math.min(have, d.rng.int(1, 3));
        reason = 'sale';
      } else if (roll < 0.93) {
        delta = 1;
        reason = 'return';
      } else {
        delta = have < 30 ? d.rng.int(20, 80) : 0;
        reason = 'receiving';
      }
      if (delta === 0) continue;
      sellable.set(item.sku, have + delta);
      const channel = reason === 'receiving' ? 'warehouse' : CHANNELS[d.rng.int(0, CHANNELS.length - 1)]!;
      events.push({
        id: `demo-${d.clock.now()}-${seq++}`,
        sku: item.sku,
        location: 'main',
        kind: 'adjust',
        delta,
        occurredAt: new Date(d.clock.now()).toISOString(),
        source: channel,
        reason,
      });
    }
    if (events.length === 0) return;
    busy = true;
    inflight = d
      .sendEvents(events)
      .then(() => void (d.stats.stockEvents += events.length))
      .catch((err: unknown) => {
        d.stats.errors++;
        d.onError(err);
      })
      .finally(() => (busy = false));
  };

  const shopperTick = (): void => {
    const store = d.stores[d.rng.int(0, d.stores.length - 1)]!;
    const sku = store.spec.skus[d.rng.int(0, store.spec.skus.length - 1)];
    if (!sku) return;
    const quantity = d.rng.next() < 0.8 ? 1 : 2;
    if (buy(store, sku, quantity, `shopper${seq++}@example.com`)) {
      d.stats.shopperOrders++;
      sellable.set(sku, (sellable.get(sku) ?? 0) - quantity);
    } else {
      d.stats.shopperTurnedAway++;
    }
  };

  const timers = [
    setInterval(stockTick, Math.max(10, 1000 / d.stockBatchesPerSecond)),
    setInterval(shopperTick, Math.max(10, 1000 / d.shopperOrdersPerSecond)),
  ];
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await inflight;
    },
  };
}
