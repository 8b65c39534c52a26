/**
 * createEngine: wires the operations to one database, clock and process id, and runs the background loops
 * (dispatchers, hold sweeper, compensation and reconciliation) between start() and stop().
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DropsyncError } from '../domain/errors.ts';
import type { Ctx } from './context.ts';
import { ingestEvents } from './ingest.ts';
import { engineMetrics } from './metrics.ts';
import type { Engine, EngineEvent, EngineOptions } from './types.ts';

const notYet = (what: string) => async (): Promise<never> => { throw new DropsyncError('upstream', `${what}: not implemented yet`); };

export function createEngine(opts: EngineOptions): Engine {
  const listeners = new Map<EngineEvent, Set<(p: unknown) => void>>();
  const log = opts.logger ?? { info() {}, warn() {}, error() {} };
  const ctx: Ctx = {
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
  const processId = opts.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  const engine: Engine = {
    db: opts.db,
    processId,
    async ingestEvents(supplierId, events) {
      const out = await ingestEvents(ctx, supplierId, events);
      for (const s of ['applied', 'duplicate', 'stale', 'invalid'] as const) if (out.result[s]) engineMetrics.events.inc({ outcome: s }, out.result[s]);
      if (out.skus.length) ctx.emit('stock', { supplierId, skus: out.skus });
      if (out.changed.length) ctx.emit('desired', { supplierId, changes: out.changed });
      return out.result;
    },
    submitOrder: notYet('submitOrder'),
    fulfilOrder: notYet('fulfilOrder'),
    cancelOrder: notYet('cancelOrder'),
    createHold: notYet('createHold'),
    releaseHold: notYet('releaseHold'),
    expireHolds: notYet('expireHolds'),
    recompute: notYet('recompute'),
    getSku: notYet('getSku'),
    storeSync: notYet('storeSync'),
    dispatchOnce: notYet('dispatchOnce'),
    reconcileStore: notYet('reconcileStore'),
    compensatePending: notYet('compensatePending'),
    receiveOrder: notYet('receiveOrder'),
    receiveOrderCancelled: notYet('receiveOrderCancelled'),
    receiveLevel: notYet('receiveLevel'),
    recordDelivery: notYet('recordDelivery'),
    invalidateStore() {},
    async start() {},
    async stop() {},
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => { set!.delete(cb); };
    },
  };
  return engine;
}
