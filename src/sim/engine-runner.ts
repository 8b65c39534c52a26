/**
 * Level 4 measured on the product itself: the generated stream goes through the real dropsync engine (PGlite
 * in memory, a simulated clock, the in-process test connector as each retailer's store), and the oversells are
 * the conflicts the engine records.
 *
 * Per shopper order at time t on store r: events up to t - d (d = the store's push delay, 0.5-5 s) are ingested
 * and dispatched, so the store shows what a push would have brought by t; the events of the last d seconds are
 * ingested without a push (still in flight); then the shopper sees the store's level. Enough units: the store
 * takes the order (and counts down its own level, as a real store does) and the engine gets it through
 * `submitOrder`; a conflict or partial result is an oversell. Too few: the shopper is turned away.
 * A sample of the catalogue is run (evenly spaced SKUs) so it takes seconds; figures are scaled to the whole.
 */
import { createEngine, createSupplier } from '../engine/index.ts';
import { countConflicts } from '../store/ops/conflicts.ts';
import { MAX_BATCH } from '../engine/ingest.ts';
import type { StockEventInput } from '../engine/types.ts';
import { testConnector } from '../connectors/test/index.ts';
import { openDatabase } from '../store/index.ts';
import { createListing, createRetailer, createStore, setRetailerRule, setRules, upsertSku } from '../store/admin/index.ts';
import type { Clock } from '../domain/types.ts';
import { createRng } from './prng.ts';
import { sampleSyncPlan, skuRetailers } from './snapshot-model.ts';
import type { LevelOutcome, RealtimeRunner, SkuStream, Workload } from './types.ts';

/** Simulated time 0: a Monday, so dates in the ledger read naturally. */
const EPOCH = Date.parse('2026-01-05T00:00:00Z');
const DAY = 86400;

export interface EngineRunnerOptions {
  /** SKUs to run through the engine; the rest of the catalogue is represented by scaling. Default 200. */
  sampleSkus?: number;
}

/** Evenly spaced SKUs, so popular and slow ones are both in the sample. */
function sample(skus: readonly SkuStream[], size: number): SkuStream[] {
  if (size >= skus.length) return [...skus];
  return Array.from({ length: size }, (_, i) => skus[Math.floor((i * skus.length) / size)]!);
}

type Pending = { at: number; ev: StockEventInput };

export function engineRealtimeRunner(options: EngineRunnerOptions = {}): RealtimeRunner {
  return async (workload: Workload): Promise<LevelOutcome> => {
    const skus = sample(workload.skus, options.sampleSkus ?? 200);
    const plan = sampleSyncPlan(4, workload.retailers.length, createRng(workload.options.seed).fork(1004));
    let now = EPOCH;
    const clock: Clock = { now: () => now };
    const at = (t: number): Date => new Date(EPOCH + t * 1000);
    const db = await openDatabase();
    try {
      const engine = createEngine({ db, clock });
      const supplierId = await createSupplier(db, clock, { name: 'simulated supplier' });
      const allocation = workload.options.allocation;
      const rules: Record<string, unknown> = { strategy: allocation.strategy, threshold: allocation.deactivationThreshold };
      if (allocation.ownReserve) rules.own_reserve = allocation.ownReserve;
      if (allocation.buffer) rules.buffer = allocation.buffer;
      await setRules(db, supplierId, 'global', '', rules, at(0));

      const stores: string[] = [];
      const retailerIds: string[] = [];
      for (const profile of workload.retailers) {
        const retailer = await createRetailer(db, supplierId, { name: `Retailer ${profile.id}`, conflictAction: 'notify' }, at(0));
        await setRetailerRule(db, supplierId, retailer.id, 'global', '', { tier: profile.tier });
        const store = await createStore(db, supplierId, { retailerId: retailer.id, platform: 'test', name: `Store ${profile.id}` }, at(0));
        stores.push(store.id);
        retailerIds.push(retailer.id);
      }
      const days = workload.horizonSeconds / DAY;
      for (const sku of skus) {
        await upsertSku(db, supplierId, { sku: sku.sku, listed: true }, at(0));
        const rules = skuRetailers(sku, workload.retailers, allocation, days);
        for (let r = 0; r < stores.length; r++) {
          const rule = rules[r]!;
          await setRetailerRule(db, supplierId, retailerIds[r]!, 'sku', sku.sku, { floor: rule.floor ?? null, ceiling: rule.ceiling ?? null });
          await createListing(db, supplierId, { storeId: stores[r]!, sku: sku.sku, externalId: `${sku.sku}@${r}` }, at(0));
        }
      }

      // The whole stream, in time order: the initial counts, then every own-channel change.
      const pending: Pending[] = [];
      for (const sku of skus) {
        pending.push({ at: 0, ev: { id: `${sku.sku}:init`, sku: sku.sku, location: 'main', kind: 'set', quantity: sku.initialOnHand, occurredAt: at(0).toISOString(), reason: 'count' } });
        sku.events.forEach((e, i) => {
          pending.push({ at: e.at, ev: { id: `${sku.sku}:${i}`, sku: sku.sku, location: 'main', kind: 'adjust', delta: e.delta, occurredAt: at(e.at).toISOString(), reason: e.reason } });
        });
      }
      pending.sort((a, b) => a.at - b.at);
      const orders = skus.flatMap((sku) => sku.orders.map((o) => ({ ...o, sku: sku.sku })));
      orders.sort((a, b) => a.at - b.at);

      let next = 0;
      const ingestUntil = async (t: number): Promise<void> => {
        while (next < pending.length && pending[next]!.at <= t) {
          let end = next;
          while (end < pending.length && end - next < MAX_BATCH && pending[end]!.at <= t) end++;
          now = Math.max(now, EPOCH + pending[end - 1]!.at * 1000);
          await engine.ingestEvents(supplierId, pending.slice(next, end).map((p) => p.ev));
          next = end;
        }
      };

      const tally = { attempts: 0, accepted: 0, oversells: 0, turnedAway: 0 };
      for (const [n, order] of orders.entries()) {
        tally.attempts++;
        await ingestUntil(order.at - plan.seconds[order.retailer]!);
        now = Math.max(now, EPOCH + (order.at - plan.seconds[order.retailer]!) * 1000);
        await engine.dispatchOnce();
        await ingestUntil(order.at); // changes whose push is still on its way
        now = Math.max(now, EPOCH + order.at * 1000);
        const store = testConnector(stores[order.retailer]!);
        const externalId = `${order.sku}@${order.retailer}`;
        const shows = store.levels.get(externalId) ?? 0;
        if (shows < order.quantity) {
          tally.turnedAway++;
          continue;
        }
        tally.accepted++;
        store.levels.set(externalId, shows - order.quantity);
        const result = await engine.submitOrder(
          supplierId,
          stores[order.retailer]!,
          { platformOrderId: `sim-${n}`, placedAt: new Date(now).toISOString(), lines: [{ sku: order.sku, quantity: order.quantity }] },
          'api',
        );
        if (result.status === 'conflict' || result.status === 'partial') tally.oversells++;
      }
      const conflicts = await countConflicts(db, supplierId);
      const scale = { skusRun: skus.length, factor: workload.skus.length / skus.length };
      const outcome: LevelOutcome = {
        level: 4,
        method: 'dropsync engine on PGlite (in memory) with the test connector as the stores',
        syncSeconds: plan.seconds,
        ...tally,
        note:
          `${skus.length} of ${workload.skus.length} SKUs run through the engine (${pending.length} stock events, ${orders.length} orders); ` +
          `${conflicts} conflicts recorded by the engine.` +
          (scale.factor > 1 ? ` Per-month figures scaled x${scale.factor.toFixed(2)}.` : '') +
          // The engine measures velocity from its own ledger; the model is handed the demand shares.
          (allocation.strategy === 'proportional' ? ' The engine weighs retailers by the sales it has seen, starting equal.' : ''),
      };
      if (scale.factor > 1) outcome.scale = scale;
      return outcome;
    } finally {
      await db.close();
    }
  };
}
