/**
 * Per-store dispatch (SPEC section 8): claim due stores with a lease, push their dirty rows newest first in
 * batches of the connector's maxBatch, confirm only what was acknowledged, record drift and lag, back off on
 * failure. `runUntilIdle` drives it deterministically for tests; `wake` drives it in the background.
 */
import { claimStores, deferStore, insertDrift, insertPushLog, recordItemFailures, type ClaimedStore, type DirtyRow } from '../store/ops/dispatch.ts';
import { confirmPushes, loadDirtyMany, releaseStores, type PushOutcome, type ReleaseFields } from '../store/ops/dispatch-batched.ts';
import { Batcher } from './batcher.ts';
import type { Connector, PushItem, PushResult } from '../connectors/types.ts';
import type { ConnectorCache } from './connectors.ts';
import { lockDesiredRows } from '../store/ops/desired.ts';
import { retryTx } from './retry.ts';
import { iso, type Ctx } from './context.ts';
import { engineMetrics } from './metrics.ts';

export interface DispatchSettings {
  owner: string; leaseMs: number; pushTimeoutMs: number; backoffBaseMs: number; backoffCapMs: number;
  circuitAfter: number; unhealthyAfter: number; unhealthyRetryMs: number; concurrency: number;
}

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Timeout(`push timed out after ${ms} ms`)), ms); timer.unref?.(); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export class Dispatcher {
  private readonly inflight = new Set<string>();
  private claiming = false;
  private again = false;
  private stopped = true;
  private pending = new Set<Promise<unknown>>();

  // Pushes to many stores finish close together: their statements are gathered per tick into one each.
  private readonly dirty: Batcher<{ storeId: string; limit: number }, DirtyRow[]>;
  private readonly confirm: Batcher<PushOutcome, number[]>;
  private readonly release: Batcher<ReleaseFields, number>;

  constructor(private readonly ctx: Ctx, private readonly s: DispatchSettings, private readonly connectors: ConnectorCache) {
    const backoff = { baseMs: s.backoffBaseMs, capMs: s.backoffCapMs, circuitAfter: s.circuitAfter, unhealthyAfter: s.unhealthyAfter, unhealthyRetryMs: s.unhealthyRetryMs };
    this.dirty = new Batcher(async (items) => {
      const rows = await loadDirtyMany(ctx.db, items);
      return items.map((i) => rows.get(i.storeId) ?? []);
    });
    // Rows an ingest holds locked right now are skipped (so one busy row cannot hold up every store of the
    // batch) and confirmed by a follow-up statement that only the stores owning them wait for.
    this.confirm = new Batcher(async (items) => {
      const first = await retryTx(() => confirmPushes(ctx.db, items, iso(ctx.clock.now()), true));
      return items.map((i) => {
        const mine = i.acks.filter((a) => first.skipped.has(a.listingId));
        const lags = first.lags.get(i.storeId) ?? [];
        if (mine.length === 0) return lags;
        const rest = { ...i, acks: mine, items: 0, ok: 0, failed: 0 };
        return retryTx(() => confirmPushes(ctx.db, [rest], iso(ctx.clock.now()))).then((r) => [...lags, ...(r.lags.get(i.storeId) ?? [])]);
      });
    });
    this.release = new Batcher(async (items) => {
      const dirty = await retryTx(() => releaseStores(ctx.db, s.owner, iso(ctx.clock.now()), backoff, items));
      return items.map((i) => dirty.get(i.storeId) ?? 0);
    });
  }

  /**
   * Pushes one claimed store: batches of up to maxBatch, newest desired first, for as long as full batches keep
   * coming (within a third of the lease), then ends the lease. Returns the items acknowledged.
   */
  async pushStore(store: ClaimedStore): Promise<number> {
    const release = (fields: Partial<ReleaseFields>) => this.release.add({
      storeId: store.id, failed: false, partial: false, retryAfterMs: 0, pushed: false, error: null, ...fields,
    });
    let connector;
    try {
      connector = this.connectors.get(store);
    } catch (err) {
      await release({ failed: true, error: (err as Error).message }).catch(() => {});
      return 0;
    }
    try {
      return await this.pushLoop(store, connector, release, performance.now(), 0);
    } catch (err) {
      // A database error mid-push: end the lease as a failure so the store is retried after backoff, not
      // after the lease runs out.
      await release({ failed: true, error: (err as Error).message ?? String(err) }).catch(() => {});
      throw err;
    }
  }

  private async pushLoop(
    store: ClaimedStore, connector: Connector, release: (f: Partial<ReleaseFields>) => Promise<number>, leaseStart: number, total: number,
  ): Promise<number> {
    const { ctx, s } = this;
    const drifted = new Set<string>();
    for (;;) {
      const wait = connector.rateLimit().waitMs;
      if (wait > 0) {
        await deferStore(ctx.db, store.id, s.owner, iso(ctx.clock.now() + wait));
        return total;
      }
      const batch = Math.max(1, connector.maxBatch);
      const rows = await this.dirty.add({ storeId: store.id, limit: batch });
      if (rows.length === 0) {
        if (total > 0) engineMetrics.queueDepth.set({ store: store.id }, await release({ pushed: true }));
        else await deferStore(ctx.db, store.id, s.owner, null);
        return total;
      }
      const out = await this.pushBatch(store, connector, rows);
      total += out.acked;
      // Drift (the store reported what it really shows, e.g. a retailer sale whose webhook has not arrived) is
      // normal operation, not a store failure: confirmed now holds the store's number, so push again at once.
      // A listing that drifts again within this lease waits the base delay, so a store that keeps changing
      // under us is not hammered.
      const redrift = out.drifted.some((id) => drifted.has(id));
      for (const id of out.drifted) drifted.add(id);
      const driftOnly = out.drifted.length > 0 && !out.failed && !out.partial && !out.retryAfterMs && !redrift;
      // A full batch means more is waiting: keep the lease and go on (a third of the lease bounds the stay).
      // Otherwise end the lease; changes that arrived meanwhile wake a fresh claim, which gathers many stores.
      const withinLease = performance.now() - leaseStart < s.leaseMs / 3;
      const more = withinLease && (driftOnly || (!out.failed && !out.partial && !out.retryAfterMs && rows.length === batch));
      if (more) continue;
      const dirty = await release({
        failed: out.failed, partial: out.partial || redrift, retryAfterMs: out.retryAfterMs, pushed: total > 0, error: out.error,
      });
      engineMetrics.queueDepth.set({ store: store.id }, dirty);
      return total;
    }
  }

  private async pushBatch(store: ClaimedStore, connector: Connector, rows: DirtyRow[]): Promise<{
    acked: number; failed: boolean; partial: boolean; retryAfterMs: number; error: string | null; drifted: string[];
  }> {
    const { ctx, s } = this;
    const items: PushItem[] = rows.map((r) => ({
      listingId: r.listing_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id,
      quantity: r.desired, lastConfirmed: r.confirmed,
    }));
    const t0 = performance.now();
    let result: PushResult;
    try {
      result = await withTimeout(connector.push(items), s.pushTimeoutMs);
    } catch (err) {
      const error = (err as Error).message ?? String(err);
      engineMetrics.pushes.inc({ result: 'error' });
      await insertPushLog(ctx.db, { supplierId: store.supplier_id, storeId: store.id, at: iso(ctx.clock.now()), items: items.length, ok: 0,
        failed: items.length, durationMs: Math.round(performance.now() - t0), lags: [], error }).catch(() => {});
      ctx.emit('pushed', { storeId: store.id, items: items.length, ok: 0, failed: items.length, error, lagMs: [] });
      return { acked: 0, failed: true, partial: false, retryAfterMs: 0, error, drifted: [] };
    }
    const now = ctx.clock.now();
    const at = iso(now);
    const byId = new Map(rows.map((r) => [r.listing_id, r]));
    const acks: { listingId: string; quantity: number }[] = [];
    const fails: { listingId: string; error: string; actual: number | null }[] = [];
    for (const r of result.items) {
      if (!byId.has(r.listingId)) continue;
      byId.delete(r.listingId);
      if (r.ok) acks.push({ listingId: r.listingId, quantity: r.quantity });
      else fails.push({ listingId: r.listingId, error: r.error, actual: r.actual ?? null });
    }
    for (const id of byId.keys()) fails.push({ listingId: id, error: 'not acknowledged', actual: null });
    const error = fails[0]?.error ?? null;
    const lags = await this.confirm.add({
      supplierId: store.supplier_id, storeId: store.id, items: items.length, ok: acks.length, failed: fails.length,
      durationMs: Math.round(performance.now() - t0), error, acks,
    });
    if (fails.length > 0) {
      const drift = fails.filter((f) => f.actual !== null).map((f) => {
        const row = rows.find((r) => r.listing_id === f.listingId)!;
        return { supplierId: store.supplier_id, storeId: store.id, listingId: f.listingId, sku: row.sku, expected: row.confirmed, actual: f.actual!, source: 'push_stale' };
      });
      await retryTx(() => ctx.db.transaction(async (tx) => {
        await lockDesiredRows(tx, fails.map((f) => f.listingId));
        await recordItemFailures(tx, store.id, fails, at);
        await insertDrift(tx, drift, at);
      }));
    }
    // Items that came back with the store's actual level are drift, not failures of the store.
    const drifted = fails.filter((f) => f.actual !== null).map((f) => f.listingId);
    const hardFails = fails.length - drifted.length;
    const allFailed = hardFails > 0 && acks.length === 0;
    engineMetrics.pushes.inc({ result: allFailed ? 'failed' : fails.length ? 'partial' : 'ok' });
    if (acks.length) engineMetrics.pushedItems.inc({ result: 'ok' }, acks.length);
    if (fails.length) engineMetrics.pushedItems.inc({ result: 'failed' }, fails.length);
    for (const l of lags) engineMetrics.pushLag.observe(l / 1000);
    ctx.emit('pushed', { storeId: store.id, items: items.length, ok: acks.length, failed: fails.length, lagMs: lags });
    return {
      acked: acks.length, failed: allFailed, partial: !allFailed && hardFails > 0, retryAfterMs: result.retryAfterMs ?? 0,
      error: allFailed ? (error ?? 'failed') : null, drifted,
    };
  }

  private async claim(limit: number): Promise<ClaimedStore[]> {
    const now = this.ctx.clock.now();
    return claimStores(this.ctx.db, this.s.owner, iso(now), iso(now + this.s.leaseMs), limit);
  }

  /** Claims and pushes rounds until no store has work due now. Deterministic for tests (fake clock). */
  async runUntilIdle(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const claimed = await this.claim(this.s.concurrency);
      if (claimed.length === 0) break;
      const counts = await Promise.all(claimed.map((st) => this.pushStore(st).catch((err) => {
        this.ctx.log.error({ err, storeId: st.id }, 'push crashed');
        return 0;
      })));
      total += counts.reduce((a, b) => a + b, 0);
    }
    return total;
  }

  start(): void { this.stopped = false; this.wake(); }

  /** Background mode: claim into free slots now; each finished push wakes it again. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) { this.again = true; return; }
    this.claiming = true;
    const p = (async () => {
      try {
        do {
          this.again = false;
          const free = this.s.concurrency - this.inflight.size;
          if (free <= 0 || this.stopped) break;
          const claimed = await this.claim(free);
          for (const st of claimed) {
            this.inflight.add(st.id);
            const job = this.pushStore(st)
              .catch((err) => this.ctx.log.error({ err, storeId: st.id }, 'push crashed'))
              .finally(() => { this.inflight.delete(st.id); this.pending.delete(job); this.wake(); });
            this.pending.add(job);
          }
          if (claimed.length === free) this.again = true;
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) this.ctx.log.error({ err }, 'dispatch claim failed');
      } finally {
        this.claiming = false;
      }
    })();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
