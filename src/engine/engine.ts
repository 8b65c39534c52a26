/**
 * createEngine: wires the operations to one database, clock and process id, and runs the background loops
 * (dispatcher woken by LISTEN/NOTIFY plus a sweep, hold expiry, compensation, reconciliation) between start()
 * and stop().
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DESIRED_CHANNEL, parseDesiredPayload, type DesiredChange } from '../store/ops/desired.ts';
import { claimReconcileDue, prunePushLag, recordDelivery } from '../store/ops/stores.ts';
import { compensatePending } from './compensate.ts';
import { ConnectorCache, plainCredentials } from './connectors.ts';
import { iso, type Ctx } from './context.ts';
import { Dispatcher } from './dispatch.ts';
import { createHold, expireHolds, releaseHold } from './holds.ts';
import { IngestQueue } from './ingest-queue.ts';
import { engineMetrics } from './metrics.ts';
import { closeOrder, submitOrder, type SubmitOutcome } from './orders.ts';
import { reconcileStore, receiveLevel, receiveOrder, receiveOrderCancelled } from './reconcile.ts';
import { recomputeWithin } from './recompute.ts';
import { DesiredChanges } from './desired-changes.ts';
import { retryTx } from './retry.ts';
import type { Engine, EngineEvent, EngineOptions } from './types.ts';
import { releaseAllLeases } from '../store/ops/leases.ts';
import { vacuumChurningTables } from '../store/ops/vacuum.ts';
import { getSku, storeSync } from './views.ts';

const RECONCILE_EVERY_SWEEPS = 5;
const PRUNE_EVERY_SWEEPS = 600;
const PUSH_LAG_KEEP_MS = 86_400_000;
/** PGlite has no autovacuum: the engine vacuums the churning tables this often (clock time). */
const EMBEDDED_VACUUM_EVERY_MS = 300_000;

export function createEngine(opts: EngineOptions): Engine {
  const listeners = new Map<EngineEvent, Set<(p: unknown) => void>>();
  const log = opts.logger ?? { info() {}, warn() {}, error() {} };
  const processId = opts.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const ctx: Ctx = {
    origin: processId,
    db: opts.db,
    clock: opts.clock,
    log,
    newId: opts.newId ?? ((prefix) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`),
    emit(event, payload) {
      for (const cb of listeners.get(event) ?? []) {
        try { cb(payload); } catch (err) { log.warn({ err, event }, 'engine listener threw'); }
      }
    },
  };
  const connectors = new ConnectorCache(opts.clock, opts.decryptCredentials ?? plainCredentials, opts.connectorDeps);
  const dispatcher = new Dispatcher(ctx, {
    owner: processId, leaseMs: opts.leaseMs ?? 10_000, pushTimeoutMs: opts.pushTimeoutMs ?? 20_000,
    backoffBaseMs: opts.backoffBaseMs ?? 500, backoffCapMs: opts.backoffCapMs ?? 30_000, circuitAfter: opts.circuitAfter ?? 5,
    unhealthyAfter: opts.unhealthyAfter ?? 10, unhealthyRetryMs: opts.unhealthyRetryMs ?? 60_000, concurrency: opts.concurrency ?? 16,
    warmMs: opts.warmMs ?? 1000,
  }, connectors);

  // Concurrent calls of one supplier share transactions (group commit); PGlite runs one transaction at a time.
  const ingestQueue = new IngestQueue(ctx, opts.ingestWidth ?? (opts.db.kind === 'pglite' ? 1 : 2));
  let running = false;
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | null = null;
  let sweeps = 0;
  let lastVacuum = opts.clock.now();
  let unlisten: (() => Promise<void>) | undefined;
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => { background.add(p); void p.finally(() => background.delete(p)); };

  /** After a commit that changed desired rows: the live event (counts only), then the dispatcher. */
  const afterDesired = (changes: DesiredChanges) => {
    if (changes.count === 0) return;
    const committedAt = ctx.clock.now();
    ctx.emit('desired', changes.event());
    if (!running) return;
    // The changes go to the dispatcher in memory (the listener skips this process's own NOTIFY of them); too
    // many to keep, and the stores concerned read their rows instead.
    const kept = changes.kept;
    if (kept) dispatcher.handoff(kept, committedAt);
    else dispatcher.notify(changes.storeIds);
  };
  const changesOf = (supplierId: string, changed: readonly DesiredChange[]) => {
    const c = new DesiredChanges(supplierId, Infinity);
    c.add(changed);
    return c;
  };
  const afterOrder = (source: string, out: SubmitOutcome) => {
    const supplierId = out.supplierId;
    if (!out.result.duplicate) {
      engineMetrics.orders.inc({ status: out.result.status, source });
      ctx.emit('order', { supplierId, ...out.result });
      if (out.skus.length && running) dispatcher.wake();
    }
    if (out.conflicts > 0) {
      engineMetrics.conflicts.inc(out.conflicts);
      ctx.emit('conflict', { supplierId, orderId: out.result.orderId, conflictIds: out.result.conflictIds, status: 'pending' });
      if (running) track(compensatePending(ctx, connectors).catch((err) => log.warn({ err }, 'compensation run failed')));
    }
  };

  async function sweep(): Promise<void> {
    sweeps++;
    dispatcher.wake();
    try {
      const expired = await expireHolds(ctx);
      if (expired.count > 0) dispatcher.wake();
      await compensatePending(ctx, connectors);
      if (sweeps % RECONCILE_EVERY_SWEEPS === 0) await dispatcher.refreshQueueDepth();
      if (opts.reconcile !== false && sweeps % RECONCILE_EVERY_SWEEPS === 0) {
        for (const id of await claimReconcileDue(ctx.db, iso(ctx.clock.now()), 5)) {
          await reconcileStore(ctx, connectors, id, (o) => afterOrder('poll', o)).catch((err) => log.warn({ err, storeId: id }, 'reconcile failed'));
        }
      }
      if (sweeps % PRUNE_EVERY_SWEEPS === 0) await prunePushLag(ctx.db, iso(ctx.clock.now() - PUSH_LAG_KEEP_MS));
      if (opts.db.kind === 'pglite' && ctx.clock.now() - lastVacuum >= EMBEDDED_VACUUM_EVERY_MS) {
        lastVacuum = ctx.clock.now();
        await vacuumChurningTables(ctx.db);
      }
    } catch (err) {
      if (running) log.warn({ err }, 'sweep failed');
    }
  }

  const engine: Engine = {
    db: opts.db,
    processId,
    async ingestEvents(supplierId, events) {
      const out = await ingestQueue.submit(supplierId, events);
      for (const s of ['applied', 'duplicate', 'stale', 'invalid'] as const) if (out.result[s]) engineMetrics.events.inc({ outcome: s }, out.result[s]);
      if (out.skus.length) ctx.emit('stock', { supplierId, skus: out.skus });
      afterDesired(changesOf(supplierId, out.changed));
      return out.result;
    },
    async submitOrder(supplierId, storeId, order, source) {
      const out = await retryTx(() => submitOrder(ctx, supplierId, storeId, order, source));
      afterOrder(source, out);
      return out.result;
    },
    async fulfilOrder(supplierId, orderId) {
      const out = await retryTx(() => closeOrder(ctx, supplierId, orderId, 'fulfilled'));
      if (out.skus.length && running) dispatcher.wake();
      return out.result;
    },
    async cancelOrder(supplierId, orderId) {
      const out = await retryTx(() => closeOrder(ctx, supplierId, orderId, 'cancelled'));
      if (out.skus.length && running) dispatcher.wake();
      return out.result;
    },
    async createHold(supplierId, hold) {
      const out = await retryTx(() => createHold(ctx, supplierId, hold));
      if (running) dispatcher.wake();
      return out.hold;
    },
    async releaseHold(supplierId, holdId) {
      const out = await retryTx(() => releaseHold(ctx, supplierId, holdId));
      if (out.skus.length && running) dispatcher.wake();
      return out.hold;
    },
    async expireHolds() {
      const out = await retryTx(() => expireHolds(ctx));
      if (out.count && running) dispatcher.wake();
      return out.count;
    },
    async recompute(supplierId, skus) {
      const changes = await retryTx(async () => {
        const into = new DesiredChanges(supplierId);
        await ctx.db.transaction((tx) => recomputeWithin(tx, supplierId, skus, () => ctx.clock.now(), ctx.origin, into));
        return into;
      });
      afterDesired(changes);
      return changes.count;
    },
    recomputeWithin: (tx, supplierId, skus, into) => recomputeWithin(tx, supplierId, skus, () => ctx.clock.now(), ctx.origin, into),
    committed: (changes) => afterDesired(changes),
    getSku: (supplierId, sku, limit) => getSku(ctx, supplierId, sku, limit),
    storeSync: (storeId, opts) => storeSync(ctx, storeId, opts?.sinceMs),
    dispatchOnce: () => dispatcher.runUntilIdle(),
    reconcileStore: (storeId) => reconcileStore(ctx, connectors, storeId, (o) => afterOrder('poll', o)),
    compensatePending: () => compensatePending(ctx, connectors),
    async receiveOrder(storeId, order, source) {
      const out = await retryTx(() => receiveOrder(ctx, storeId, order, source));
      afterOrder(source, out);
      return out.result;
    },
    async receiveOrderCancelled(storeId, platformOrderId) {
      const out = await retryTx(() => receiveOrderCancelled(ctx, storeId, platformOrderId));
      if (out?.skus.length && running) dispatcher.wake();
      return out?.result ?? null;
    },
    async receiveLevel(storeId, externalId, quantity) {
      const out = await retryTx(() => receiveLevel(ctx, storeId, externalId, quantity));
      if (running) dispatcher.wake();
      return out;
    },
    recordDelivery: (storeId, key) => recordDelivery(ctx.db, storeId, key, iso(ctx.clock.now())),
    invalidateStore: (storeId) => { connectors.forget(storeId); dispatcher.endRun(storeId); },
    async start() {
      if (running) return;
      running = true;
      if (opts.db.kind === 'pglite') {
        const released = await releaseAllLeases(opts.db);
        if (released > 0) log.info({ released }, 'released store leases left by a previous run');
      }
      // Each notification names the stores whose desired rows changed. This process's ingest and recompute writes
      // reach the dispatcher in memory (handoff), so their notifications are skipped; orders, holds and store
      // reports notify with no origin and are acted on here like another process's.
      unlisten = await opts.db.listen(DESIRED_CHANNEL, (payload) => {
        const { origin, ids } = parseDesiredPayload(payload);
        if (origin === processId) return;
        if (ids) dispatcher.notify(ids);
        else dispatcher.wake();
      });
      dispatcher.start();
      const period = opts.sweepMs ?? 1000;
      sweepTimer = setInterval(() => {
        if (sweeping) return;
        sweeping = sweep().finally(() => { sweeping = null; });
      }, period);
    },
    async stop() {
      if (!running) return;
      running = false;
      clearInterval(sweepTimer);
      await dispatcher.stop();
      if (sweeping) await sweeping;
      while (background.size) await Promise.allSettled([...background]);
      await unlisten?.().catch(() => {});
      await connectors.closeAll();
    },
    on(event, cb) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb);
      return () => { set.delete(cb); };
    },
  };
  return engine;
}
