/**
 * Per-store dispatch (SPEC section 8): claim due stores with a lease, push their dirty rows newest first in
 * batches of the connector's maxBatch, confirm only what was acknowledged, record drift and lag, back off on
 * failure. `runUntilIdle` drives it deterministically for tests; `wake` drives it in the background.
 */
import { claimStores, countDirtyByStore, deferStore, insertDrift, recordItemFailures, renewLeases, type ClaimedStore, type DirtyRow } from '../store/ops/dispatch.ts';
import { beat, forgetDispatcher } from '../store/ops/dispatchers.ts';
import { finishPushes, loadDirtyMany, type PushOutcome, type ReleaseFields } from '../store/ops/dispatch-batched.ts';
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

/** Rows read with a claim for a store whose connector's batch size is not known yet (Shopify's limit). */
const DEFAULT_BATCH = 250;

type ItemFailure = { listingId: string; error: string; actual: number | null };

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Timeout(`push timed out after ${ms} ms`)), ms); timer.unref?.(); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export class Dispatcher {
  /** Stores this process holds a lease on right now (both modes): renewed by the heartbeat, and its busy slots. */
  private readonly held = new Set<string>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** The most stores this process leases at once: its even share among the live dispatchers. */
  private share = Infinity;
  private claiming = false;
  private again = false;
  /**
   * Stores known to have new work, so a claim looks only at them: a change to a store this process is pushing
   * waits here until the push ends instead of costing a claim that finds nothing. `dueAll`: look at every store
   * (the sweep, and changes whose stores are not known).
   */
  private readonly due = new Map<string, number>();
  private dueAll = true;
  /** Numbers each notification, so a claim forgets only what it saw, never a change that arrived during it. */
  private dueSeq = 0;
  private stopped = true;
  private pending = new Set<Promise<unknown>>();
  /** Each store's batch size, learnt from its connector, so a claim reads the right number of rows. */
  private readonly batchOf = new Map<string, number>();

  // Pushes to many stores finish close together: their statements are gathered per tick into one each.
  private readonly dirty: Batcher<{ storeId: string; limit: number }, DirtyRow[]>;
  private readonly finish: Batcher<{ outcome?: PushOutcome; release?: ReleaseFields }, number[]>;

  constructor(private readonly ctx: Ctx, private readonly s: DispatchSettings, private readonly connectors: ConnectorCache) {
    const backoff = { baseMs: s.backoffBaseMs, capMs: s.backoffCapMs, circuitAfter: s.circuitAfter, unhealthyAfter: s.unhealthyAfter, unhealthyRetryMs: s.unhealthyRetryMs };
    this.dirty = new Batcher(async (items) => {
      const rows = await loadDirtyMany(ctx.db, items);
      return items.map((i) => rows.get(i.storeId) ?? []);
    });
    // Confirmations and lease releases of every store finishing in this tick: one statement.
    this.finish = new Batcher(async (items) => {
      const outcomes = items.flatMap((i) => (i.outcome ? [i.outcome] : []));
      const releases = items.flatMap((i) => (i.release ? [i.release] : []));
      const lags = await retryTx(() => finishPushes(ctx.db, s.owner, iso(ctx.clock.now()), backoff, outcomes, releases));
      let n = 0;
      return items.map((i) => (i.outcome ? lags.get(n++) ?? [] : []));
    });
  }

  private releaseFields(storeId: string, fields: Partial<ReleaseFields>): ReleaseFields {
    return { storeId, failed: false, partial: false, retryAfterMs: 0, pushed: false, error: null, ...fields };
  }

  /**
   * Pushes one claimed store: batches of up to maxBatch, newest desired first, for as long as full batches keep
   * coming (within a third of the lease), then ends the lease. `first` is the batch read with the claim.
   * Returns the items acknowledged.
   */
  async pushStore(store: ClaimedStore, first: DirtyRow[] | null = null): Promise<number> {
    const release = (fields: Partial<ReleaseFields>) => this.finish.add({ release: this.releaseFields(store.id, fields) });
    this.held.add(store.id);
    try {
      let connector;
      try {
        connector = this.connectors.get(store);
      } catch (err) {
        await release({ failed: true, error: (err as Error).message }).catch(() => {});
        return 0;
      }
      return await this.pushLoop(store, connector, first);
    } catch (err) {
      // A database error mid-push: end the lease as a failure so the store is retried after backoff, not
      // after the lease runs out.
      await release({ failed: true, error: (err as Error).message ?? String(err) }).catch(() => {});
      throw err;
    } finally {
      this.held.delete(store.id);
    }
  }

  /**
   * Renews the leases of the stores being pushed. Leases can then be short (10 s by default): a process that
   * dies stops renewing, and its stores are taken over by the others within one lease, however long a push
   * may take while the process lives.
   */
  async heartbeat(): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.held.size > 0) await renewLeases(this.ctx.db, this.s.owner, [...this.held], iso(now + this.s.leaseMs));
    // Each process holds at most its share of the stores at once, so under sustained traffic several processes
    // take turns instead of the first one to wake claiming every store.
    const { live, stores } = await beat(this.ctx.db, this.s.owner, iso(now), iso(now - this.s.leaseMs));
    const share = Math.max(1, Math.ceil(stores / live));
    const grew = share > this.share;
    this.share = share;
    if (grew) this.wake();
  }

  private async pushLoop(store: ClaimedStore, connector: Connector, first: DirtyRow[] | null): Promise<number> {
    const { ctx, s } = this;
    const leaseStart = performance.now();
    const drifted = new Set<string>();
    let total = 0;
    let next = first;
    for (;;) {
      const wait = connector.rateLimit().waitMs;
      if (wait > 0) {
        await deferStore(ctx.db, store.id, s.owner, iso(ctx.clock.now() + wait));
        return total;
      }
      const batch = Math.max(1, connector.maxBatch);
      this.batchOf.set(store.id, batch);
      const rows = next ? next.slice(0, batch) : await this.dirty.add({ storeId: store.id, limit: batch });
      next = null;
      if (rows.length === 0) {
        if (total > 0) await this.finish.add({ release: this.releaseFields(store.id, { pushed: true }) });
        else await deferStore(ctx.db, store.id, s.owner, null);
        return total;
      }
      const sent = await this.send(connector, rows);
      const ackedAt = iso(ctx.clock.now());
      if ('error' in sent) {
        // The call failed as a whole: its push_log line and the end of the lease are one statement.
        engineMetrics.pushes.inc({ result: 'error' });
        const outcome: PushOutcome = {
          supplierId: store.supplier_id, storeId: store.id, items: rows.length, ok: 0, failed: rows.length,
          durationMs: sent.durationMs, error: sent.error, acks: [], ackedAt,
        };
        await this.finish.add({ outcome, release: this.releaseFields(store.id, { failed: true, pushed: total > 0, error: sent.error }) });
        ctx.emit('pushed', { storeId: store.id, items: rows.length, ok: 0, failed: rows.length, error: sent.error, lagMs: [] });
        return total;
      }
      const { acks, fails } = sent;
      total += acks.length;
      // Items that came back with the store's actual level are drift, not failures of the store: confirmed now
      // holds the store's number, so push again at once. A listing that drifts again within this lease waits
      // the base delay, so a store that keeps changing under us is not hammered.
      const drift = fails.filter((f) => f.actual !== null);
      const hardFails = fails.length - drift.length;
      const allFailed = hardFails > 0 && acks.length === 0;
      const partial = !allFailed && hardFails > 0;
      const redrift = drift.some((f) => drifted.has(f.listingId));
      for (const f of drift) drifted.add(f.listingId);
      const clean = !allFailed && !partial && !sent.retryAfterMs;
      // A full batch means more is waiting: keep the lease and go on (a third of the lease bounds the stay).
      // Otherwise end the lease; changes that arrived meanwhile wake a fresh claim, which gathers many stores.
      const withinLease = performance.now() - leaseStart < s.leaseMs / 3;
      const more = withinLease && clean && ((drift.length > 0 && !redrift) || rows.length === batch);
      const error = fails[0]?.error ?? null;
      const outcome: PushOutcome = {
        supplierId: store.supplier_id, storeId: store.id, items: rows.length, ok: acks.length, failed: fails.length,
        durationMs: sent.durationMs, error, acks, ackedAt,
      };
      const end = more ? undefined : this.releaseFields(store.id, {
        failed: allFailed, partial: partial || redrift, retryAfterMs: sent.retryAfterMs, pushed: total > 0, error: allFailed ? (error ?? 'failed') : null,
      });
      let lags: number[];
      if (fails.length === 0) {
        lags = await this.finish.add({ outcome, ...(end ? { release: end } : {}) });
      } else {
        // Failures are recorded before the lease ends, so whoever claims the store next sees them.
        lags = await this.finish.add({ outcome });
        await this.recordFailures(store, rows, fails);
        if (end) await this.finish.add({ release: end });
      }
      engineMetrics.pushes.inc({ result: allFailed ? 'failed' : fails.length ? 'partial' : 'ok' });
      if (acks.length) engineMetrics.pushedItems.inc({ result: 'ok' }, acks.length);
      if (fails.length) engineMetrics.pushedItems.inc({ result: 'failed' }, fails.length);
      for (const l of lags) engineMetrics.pushLag.observe(l / 1000);
      ctx.emit('pushed', { storeId: store.id, items: rows.length, ok: acks.length, failed: fails.length, lagMs: lags });
      if (!more) return total;
    }
  }

  /** One connector call with a timeout; each item sorted into acknowledged or failed, or the call's error. */
  private async send(connector: Connector, rows: DirtyRow[]): Promise<
    | { acks: { listingId: string; quantity: number }[]; fails: ItemFailure[]; retryAfterMs: number; durationMs: number }
    | { error: string; durationMs: number }
  > {
    const items: PushItem[] = rows.map((r) => ({
      listingId: r.listing_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id,
      quantity: r.desired, lastConfirmed: r.confirmed,
    }));
    const t0 = performance.now();
    let result: PushResult;
    try {
      result = await withTimeout(connector.push(items), this.s.pushTimeoutMs);
    } catch (err) {
      return { error: (err as Error).message ?? String(err), durationMs: Math.round(performance.now() - t0) };
    }
    const byId = new Map(rows.map((r) => [r.listing_id, r]));
    const acks: { listingId: string; quantity: number }[] = [];
    const fails: ItemFailure[] = [];
    for (const r of result.items) {
      if (!byId.has(r.listingId)) continue;
      byId.delete(r.listingId);
      if (r.ok) acks.push({ listingId: r.listingId, quantity: r.quantity });
      else fails.push({ listingId: r.listingId, error: r.error, actual: r.actual ?? null });
    }
    for (const id of byId.keys()) fails.push({ listingId: id, error: 'not acknowledged', actual: null });
    return { acks, fails, retryAfterMs: result.retryAfterMs ?? 0, durationMs: Math.round(performance.now() - t0) };
  }

  private async recordFailures(store: ClaimedStore, rows: DirtyRow[], fails: ItemFailure[]): Promise<void> {
    const at = iso(this.ctx.clock.now());
    const drift = fails.filter((f) => f.actual !== null).map((f) => {
      const row = rows.find((r) => r.listing_id === f.listingId)!;
      return { supplierId: store.supplier_id, storeId: store.id, listingId: f.listingId, sku: row.sku, expected: row.confirmed, actual: f.actual!, source: 'push_stale' };
    });
    await retryTx(() => this.ctx.db.transaction(async (tx) => {
      await lockDesiredRows(tx, fails.map((f) => f.listingId));
      await recordItemFailures(tx, store.id, fails, at);
      await insertDrift(tx, drift, at);
    }));
  }

  private async claim(limit: number, only: readonly string[] | null = null): Promise<{ store: ClaimedStore; rows: DirtyRow[] }[]> {
    const now = this.ctx.clock.now();
    return claimStores(this.ctx.db, this.s.owner, iso(now), iso(now + this.s.leaseMs), limit, DEFAULT_BATCH, this.batchOf, only);
  }

  /** Refreshes the queue-depth gauge of every store this process has pushed (one grouped count). */
  async refreshQueueDepth(): Promise<void> {
    const depth = await countDirtyByStore(this.ctx.db);
    for (const id of new Set([...this.batchOf.keys(), ...depth.keys()])) engineMetrics.queueDepth.set({ store: id }, depth.get(id) ?? 0);
  }

  /** Claims and pushes rounds until no store has work due now. Deterministic for tests (fake clock). */
  async runUntilIdle(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const claimed = await this.claim(this.s.concurrency);
      if (claimed.length === 0) break;
      const counts = await Promise.all(claimed.map((c) => this.pushStore(c.store, c.rows).catch((err) => {
        this.ctx.log.error({ err, storeId: c.store.id }, 'push crashed');
        return 0;
      })));
      total += counts.reduce((a, b) => a + b, 0);
    }
    return total;
  }

  start(): void {
    this.stopped = false;
    const tick = () => this.heartbeat().catch((err) => { if (!this.stopped) this.ctx.log.warn({ err }, 'lease heartbeat failed'); });
    this.heartbeatTimer = setInterval(tick, Math.max(10, Math.floor(this.s.leaseMs / 3)));
    this.heartbeatTimer.unref?.();
    // The first claim waits for the first heartbeat, so it already knows this process's share.
    void tick().finally(() => this.wake());
  }

  /**
   * Stores whose desired rows changed (this process's commits, or NOTIFY): claimed now unless this process is
   * pushing them already, in which case they are looked at again when that push ends.
   */
  notify(storeIds: Iterable<string>): void {
    let claimable = false;
    for (const id of storeIds) {
      this.due.set(id, ++this.dueSeq);
      if (!this.held.has(id)) claimable = true;
    }
    if (claimable) this.claimDue();
  }

  /** Background mode: claim into free slots now, looking at every store. */
  wake(): void {
    this.dueAll = true;
    this.claimDue();
  }

  /** Claims the due stores (or all, see `dueAll`) into free slots; each finished push looks at its store again. */
  private claimDue(): void {
    if (this.stopped) return;
    if (this.claiming) { this.again = true; return; }
    this.claiming = true;
    const p = (async () => {
      try {
        do {
          this.again = false;
          const free = Math.min(this.s.concurrency, this.share) - this.held.size;
          if (free <= 0 || this.stopped) break;
          const all = this.dueAll;
          const seen = new Map([...this.due].filter(([id]) => !this.held.has(id)));
          if (!all && seen.size === 0) break;
          this.dueAll = false;
          const claimed = await this.claim(free, all ? null : [...seen.keys()]);
          const forget = (id: string) => { if (this.due.get(id) === seen.get(id)) this.due.delete(id); };
          if (claimed.length === free) {
            // Slots ran out first: whatever was not claimed is still due.
            this.again = true;
            if (all) this.dueAll = true;
            for (const { store } of claimed) forget(store.id);
          } else {
            // The rest had nothing to push, or another process holds them (its own notification covers them).
            for (const id of seen.keys()) forget(id);
          }
          for (const { store, rows } of claimed) {
            const job = this.pushStore(store, rows)
              .then((pushed) => { if (pushed > 0) this.due.set(store.id, ++this.dueSeq); })
              .catch((err) => this.ctx.log.error({ err, storeId: store.id }, 'push crashed'))
              .finally(() => { this.pending.delete(job); this.claimDue(); });
            this.pending.add(job);
          }
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
    // Pushes still running keep their leases renewed until they end.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    clearInterval(this.heartbeatTimer);
    await forgetDispatcher(this.ctx.db, this.s.owner).catch(() => {});
  }
}
