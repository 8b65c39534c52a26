/**
 * createEngine: wires the operations to one database, clock and process id, and runs the background loops
 * (dispatcher woken by LISTEN/NOTIFY plus a sweep, hold expiry, compensation, reconciliation) between start()
 * and stop().
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DESIRED_CHANNEL, parseDesiredPayload, type DesiredChange } from '../store/ops/desired.ts';
import { every, realScheduler } from './scheduler.ts';
import { WEBHOOK_WINDOW_MS } from '../connectors/webhook-health.ts';
import { claimReconcileDue, pruneLogs, recordDelivery } from '../store/ops/stores.ts';
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

const QUEUE_DEPTH_EVERY_SWEEPS = 5;
/** How long a reconciliation may run before another process may take the store's turn. */
const RECONCILE_LEASE_MS = 10 * 60_000;
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
  const scheduler = opts.scheduler ?? realScheduler;
  const connectors = new ConnectorCache(opts.clock, opts.decryptCredentials ?? plainCredentials, opts.connectorDeps);
  const dispatcher = new Dispatcher(ctx, {
    owner: processId, leaseMs: opts.leaseMs ?? 10_000,
    pushTimeoutMs: opts.pushTimeoutMs ?? 20_000, pushTimeoutFactor: opts.pushTimeoutFactor ?? 4, pushTimeoutPerItemMs: opts.pushTimeoutPerItemMs ?? 250,
    backoff: {
      baseMs: opts.backoffBaseMs ?? 500, capMs: opts.backoffCapMs ?? 30_000, circuitAfter: opts.circuitAfter ?? 5,
      unhealthyAfter: opts.unhealthyAfter ?? 10, unhealthyRetryMs: opts.unhealthyRetryMs ?? 60_000,
      listingBaseMs: opts.listingBackoffBaseMs ?? 5_000, listingCapMs: opts.listingBackoffCapMs ?? 600_000,
    },
    concurrency: opts.concurrency ?? Infinity, warmMs: opts.warmMs ?? 1000,
  }, connectors, scheduler);
  const retention = {
    pushLog: opts.pushLogRetentionMs ?? 7 * 86_400_000, drift: opts.driftRetentionMs ?? 30 * 86_400_000, lag: opts.lagRetentionMs ?? 30 * 86_400_000,
  };

  // Concurrent calls of one supplier share transactions (group commit); PGlite runs one transaction at a time.
  const ingestQueue = new IngestQueue(ctx, opts.ingestWidth ?? (opts.db.kind === 'pglite' ? 1 : 2));
  let running = false;
  const stops: (() => void)[] = [];
  let sweeps = 0;
  let lastVacuum = opts.clock.now();
  let lastPrune = opts.clock.now();
  const reconciling = new Set<string>();
  let unlisten: (() => Promise<void>) | undefined;
  const background = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => { background.add(p); void p.finally(() => background.delete(p)); };

  // After a commit that changed desired rows: the live event (counts only), then the dispatcher. This process's
  // own desired writes wake it directly (their stores' runs read the table, or the stores are claimed), and the
  // listener skips their NOTIFY: PGlite delivers a notification to its own process only with its next statement,
  // which on a quiet database can be a second away.
  const afterDesired = (changes: DesiredChanges) => {
    if (changes.count === 0) return;
    ctx.emit('desired', changes.event());
    if (running) dispatcher.notify(changes.storeIds);
  };
  const changesOf = (supplierId: string, changed: readonly DesiredChange[]) => {
    const c = new DesiredChanges(supplierId, 0);
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

  /**
   * The safety net, every `sweepMs`: wakes the dispatcher (every store is looked at), expires holds, runs due
   * compensations, refreshes the queue-depth gauge, prunes old logs and, on PGlite, vacuums. Reconciliation runs
   * apart (reconcileDue), so a slow store's reconciliation never holds the sweep up.
   */
  async function sweep(): Promise<void> {
    sweeps++;
    dispatcher.wake();
    try {
      const expired = await expireHolds(ctx);
      if (expired.count > 0) dispatcher.wake();
      await compensatePending(ctx, connectors);
      if (sweeps % QUEUE_DEPTH_EVERY_SWEEPS === 0) await dispatcher.refreshQueueDepth();
      const now = ctx.clock.now();
      if (now - lastPrune >= (opts.pruneEveryMs ?? 600_000)) {
        lastPrune = now;
        await pruneLogs(ctx.db, { pushLogBefore: iso(now - retention.pushLog), driftBefore: iso(now - retention.drift), lagBefore: iso(now - retention.lag), webhookBefore: iso(now - 2 * WEBHOOK_WINDOW_MS) });
      }
      if (opts.db.kind === 'pglite' && now - lastVacuum >= EMBEDDED_VACUUM_EVERY_MS) {
        lastVacuum = now;
        await vacuumChurningTables(ctx.db);
      }
    } catch (err) {
      if (running) log.warn({ err }, 'sweep failed');
    } finally {
      engineMetrics.sweeps.inc();
    }
  }

  /**
   * Reconciliation, every `reconcileTickMs`: claims the stores whose turn has come (from their webhook health,
   * see webhook-health.ts) and reconciles up to `reconcileConcurrency` of them at once, each on its own, so one
   * slow store delays no other store's reconciliation and no push at all.
   */
  async function reconcileDue(): Promise<void> {
    const free = (opts.reconcileConcurrency ?? 4) - reconciling.size;
    if (free <= 0 || !running) return;
    const now = ctx.clock.now();
    for (const id of await claimReconcileDue(ctx.db, iso(now), iso(now + RECONCILE_LEASE_MS), free)) {
      reconciling.add(id);
      track(reconcileStore(ctx, connectors, id, (o) => afterOrder('poll', o), opts.reconcileLevelsEveryMs ?? 15 * 60_000)
        .then(() => engineMetrics.reconciles.inc({ result: 'ok' }), (err) => { engineMetrics.reconciles.inc({ result: 'failed' }); log.warn({ err, storeId: id }, 'reconcile failed'); })
        .finally(() => reconciling.delete(id)));
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
      // Each notification names its writer and the stores whose desired rows changed; this process's own ingest
      // and recompute writes were acted on at their commit (afterDesired). Orders, holds and store reports notify
      // with no origin. An empty payload, as after the LISTEN connection was lost and made again, means every store.
      unlisten = await opts.db.listen(DESIRED_CHANNEL, (payload) => {
        const { origin, ids } = parseDesiredPayload(payload);
        if (origin === processId) return;
        if (ids) dispatcher.notify(ids);
        else dispatcher.wake();
      });
      dispatcher.start();
      const tracked = (fn: () => Promise<void>) => () => { const p = fn(); track(p); return p; };
      stops.push(every(scheduler, opts.sweepMs ?? 1000, tracked(sweep)));
      if (opts.reconcile !== false) stops.push(every(scheduler, opts.reconcileTickMs ?? 5000, tracked(() => reconcileDue().catch((err) => { if (running) log.warn({ err }, 'reconcile claim failed'); }))));
    },
    async stop() {
      if (!running) return;
      running = false;
      for (const s of stops.splice(0)) s();
      await dispatcher.stop();
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
