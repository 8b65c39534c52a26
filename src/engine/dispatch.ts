/**
 * Per-store dispatch: claim due stores with a lease, run each claimed store (store-run.ts: read its dirty rows
 * newest first in batches of the connector's maxBatch, push, confirm only what was acknowledged, back off on
 * failure), renew the leases of the runs with a heartbeat, and share the stores with the other live processes.
 *
 * The same runs serve both drivers: `runUntilIdle` (tests, `dispatchOnce`) claims rounds until nothing is due,
 * and in the background (`start`) notifications and the sweep claim stores, and a run stays warm (keeps its
 * lease) for `warmMs` after its last push. Time comes from the injected clock and scheduler only.
 */
import { claimStores, countDirtyByStore, deferStore, renewLeases, type ClaimedStore, type DirtyRow } from '../store/ops/dispatch.ts';
import { beat, forgetDispatcher } from '../store/ops/dispatchers.ts';
import { finishPushes, loadDirtyMany, type BackoffSettings, type PushOutcome, type ReleaseFields } from '../store/ops/dispatch-batched.ts';
import { Batcher } from './batcher.ts';
import type { ConnectorCache } from './connectors.ts';
import { retryTx } from './retry.ts';
import { iso, type Ctx } from './context.ts';
import { engineMetrics } from './metrics.ts';
import { StoreRun } from './store-run.ts';
import { PushTiming, sendPush, type TimeoutSettings } from './push-call.ts';
import { every, type Scheduler } from './scheduler.ts';

export interface DispatchSettings extends TimeoutSettings {
  owner: string; leaseMs: number; backoff: BackoffSettings;
  /** Most stores this process pushes at once; Infinity: every store that has work, up to this process's share. */
  concurrency: number;
  /** How long a store's run keeps its lease after its last push, waiting for more changes (background only). */
  warmMs: number;
}

/** Rows read with a claim for a store whose connector's batch size is not known yet (Shopify's limit). */
const DEFAULT_BATCH = 250;
/** Most stores one claim statement leases. */
const CLAIM_MAX = 500;

export class Dispatcher {
  /** The run of each store this process holds a lease on (renewed by the heartbeat). */
  private readonly runs = new Map<string, StoreRun>();
  /** The most stores this process leases at once (its even share among the live dispatchers), and the stores. */
  private share = Infinity;
  private storeCount = Infinity;
  /**
   * Stores known to have new work, each with the number of the notification that said so, so a claim looks
   * only at them and forgets only what it saw. `dueAll`: look at every store (the sweep, unknown stores).
   */
  private readonly due = new Map<string, number>();
  private dueAll = true;
  private dueSeq = 0;
  private claiming = false;
  private again = false;
  private stopped = true;
  private stopHeartbeat = () => {};
  private readonly pending = new Set<Promise<unknown>>();
  /** Per store: its connector's batch size (so a claim reads the right number of rows) and its measured push time. */
  private readonly batchOf = new Map<string, number>();
  private readonly timing = new Map<string, PushTiming>();

  // Stores reading at once share one statement; confirmations and releases go out one statement at a time, each
  // gathering everything that arrived while the previous one ran (so two confirmations never overtake each other).
  private readonly dirty: Batcher<{ storeId: string; limit: number }, DirtyRow[]>;
  private readonly finish: Batcher<{ outcome: PushOutcome | null; release: ReleaseFields | null }, boolean>;

  constructor(private readonly ctx: Ctx, private readonly s: DispatchSettings, private readonly connectors: ConnectorCache, private readonly scheduler: Scheduler) {
    this.dirty = new Batcher(async (items) => {
      engineMetrics.dispatchReads.inc(items.length);
      const rows = await loadDirtyMany(ctx.db, iso(ctx.clock.now()), items);
      return items.map((i) => rows.get(i.storeId) ?? []);
    });
    this.finish = new Batcher(async (items) => {
      const outcomes = items.flatMap((i) => (i.outcome ? [i.outcome] : []));
      const releases = items.flatMap((i) => (i.release ? [i.release] : []));
      const held = await retryTx(() => finishPushes(ctx.db, s.owner, iso(ctx.clock.now()), s.backoff, outcomes, releases));
      const fenced = items.filter((i) => !held.has((i.outcome ?? i.release)!.storeId));
      if (fenced.length) engineMetrics.fencedConfirmations.inc(fenced.length);
      return items.map((i) => held.has((i.outcome ?? i.release)!.storeId));
    }, true);
  }

  /** Runs one claimed store until its run ends. `first` is the batch read with the claim. Returns the items acknowledged. */
  async runStore(store: ClaimedStore, first: DirtyRow[] | null, warm: boolean): Promise<number> {
    const { ctx, s } = this;
    // Built at first use, inside the run, so a connector that cannot be built fails the run (and backs the store off).
    let built: ReturnType<ConnectorCache['get']> | undefined;
    const connector = () => (built ??= this.connectors.get(store));
    let timing = this.timing.get(store.id);
    if (!timing) this.timing.set(store.id, (timing = new PushTiming()));
    const t = timing;
    const run = new StoreRun(store, { warm, warmMs: s.warmMs, leaseMs: s.leaseMs }, {
      now: () => ctx.clock.now(),
      after: (ms, fn) => this.scheduler.after(ms, fn),
      read: (limit) => this.dirty.add({ storeId: store.id, limit }),
      batchSize: () => { const b = Math.max(1, connector().maxBatch); this.batchOf.set(store.id, b); return b; },
      rateWaitMs: () => connector().rateLimit().waitMs,
      send: (rows) => sendPush(connector(), rows, t, s, ctx.clock, this.scheduler),
      finish: (outcome, release) => {
        if (outcome) this.observe(outcome);
        return this.finish.add({ outcome, release });
      },
      defer: (until) => deferStore(ctx.db, store.id, s.owner, until === null ? null : iso(until)),
      mayStayWarm: () => !this.stopped && this.runs.size <= this.share,
      othersWaiting: () => this.othersWaiting(),
    });
    this.runs.set(store.id, run);
    let failed = false;
    try {
      await run.run(first);
    } catch (err) {
      failed = true;
      ctx.log.error({ err, storeId: store.id }, 'push run failed');
    } finally {
      this.runs.delete(store.id);
      // Work that reached the run too late for it, or a run that failed (its lease may still be ours), goes back
      // to the claims.
      if (!run.lost && (run.workLeft || run.yieldRequested || failed)) this.due.set(store.id, ++this.dueSeq);
    }
    return run.pushed;
  }

  /** Metrics and the `pushed` event of one push. */
  private observe(o: PushOutcome): void {
    const lagMs = o.acks.flatMap((a) => (a.lagMs === null ? [] : [a.lagMs]));
    if (o.ok === 0 && o.fails.length === 0) {
      engineMetrics.pushes.inc({ result: 'error' });
      this.ctx.emit('pushed', { storeId: o.storeId, items: o.items, ok: 0, failed: o.items, error: o.error, lagMs: [], e2eMs: [] });
      return;
    }
    engineMetrics.pushes.inc({ result: o.ok === 0 ? 'failed' : o.failed ? 'partial' : 'ok' });
    if (o.ok) engineMetrics.pushedItems.inc({ result: 'ok' }, o.ok);
    if (o.failed) engineMetrics.pushedItems.inc({ result: 'failed' }, o.failed);
    for (const l of lagMs) engineMetrics.pushLag.observe(l / 1000);
    // Lags count from the row's desired_at, the arrival of its change: from the commit and end to end alike.
    this.ctx.emit('pushed', { storeId: o.storeId, items: o.items, ok: o.ok, failed: o.failed, lagMs, e2eMs: lagMs });
  }

  private othersWaiting(): boolean {
    return [...this.due.keys()].some((id) => !this.runs.has(id)) || (this.dueAll && this.runs.size < this.storeCount);
  }

  /**
   * Renews the leases of the stores held. Leases can then be short (10 s by default): a process that dies stops
   * renewing, and its stores are taken over by the others within one lease, however long a push may take while
   * the process lives. A run whose lease was not renewed (another process took the store, or it was paused)
   * stops at once.
   */
  async heartbeat(): Promise<void> {
    if (this.runs.size > 0) {
      const asked = [...this.runs.keys()];
      const renewed = await renewLeases(this.ctx.db, this.s.owner, asked, this.s.leaseMs);
      for (const id of asked) {
        const run = this.runs.get(id);
        if (!renewed.has(id) && run && run.state !== 'releasing' && run.state !== 'ended') { engineMetrics.leasesLost.inc(); run.lose(); }
      }
    }
    // Each process holds at most its share of the stores at once, so under sustained traffic several processes
    // take turns instead of the first one to wake claiming every store.
    const { live, stores } = await beat(this.ctx.db, this.s.owner, this.s.leaseMs);
    this.storeCount = stores;
    const share = Math.max(1, Math.ceil(stores / live));
    const grew = share > this.share;
    this.share = share;
    if (grew) this.wake();
    else if (this.runs.size > share) this.makeRoom(this.runs.size - share);
  }

  /** Asks runs to end so their slots go to other stores: warm (idle) ones first, then those past a third of the lease. */
  private makeRoom(wanted: number): void {
    const live = [...this.runs.values()].filter((r) => !r.yieldRequested && r.state !== 'releasing' && r.state !== 'ended');
    const idle = live.filter((r) => r.idle);
    const old = live.filter((r) => !r.idle && r.age > this.s.leaseMs / 3);
    for (const r of [...idle, ...old].slice(0, wanted)) r.yield();
  }

  private slots(): number {
    return Math.min(this.s.concurrency, this.share) - this.runs.size;
  }

  private async claim(limit: number, only: readonly string[] | null = null): Promise<{ store: ClaimedStore; rows: DirtyRow[] }[]> {
    engineMetrics.dispatchClaims.inc();
    return claimStores(this.ctx.db, this.s.owner, iso(this.ctx.clock.now()), this.s.leaseMs, Math.min(limit, CLAIM_MAX), DEFAULT_BATCH, this.batchOf, only, [...this.runs.keys()]);
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
      const claimed = await this.claim(Number.isFinite(this.s.concurrency) ? this.s.concurrency : CLAIM_MAX);
      if (claimed.length === 0) break;
      const counts = await Promise.all(claimed.map((c) => this.runStore(c.store, c.rows, false)));
      total += counts.reduce((a, b) => a + b, 0);
    }
    return total;
  }

  start(): void {
    this.stopped = false;
    const tick = () => this.heartbeat().catch((err) => { if (!this.stopped) this.ctx.log.warn({ err }, 'lease heartbeat failed'); });
    this.stopHeartbeat = every(this.scheduler, Math.max(10, Math.floor(this.s.leaseMs / 3)), tick);
    // The first claim waits for the first heartbeat, so it already knows this process's share.
    const first = tick().finally(() => this.wake());
    this.pending.add(first);
    void first.finally(() => this.pending.delete(first));
  }

  /**
   * Stores whose desired rows changed in the table (any process's commits, drift, orders): a store with a run
   * reads its rows at its next step; the others are claimed.
   */
  notify(storeIds: Iterable<string>): void {
    let claimable = false;
    for (const id of storeIds) {
      const run = this.runs.get(id);
      if (run && !run.lost && run.state !== 'releasing' && run.state !== 'ended') { run.notify(); continue; }
      this.due.set(id, ++this.dueSeq);
      if (!run) claimable = true;
    }
    if (claimable) this.claimDue();
  }

  /** Every run reads its store again, and free slots claim from every store (the sweep, orders, a reconnect). */
  wake(): void {
    for (const run of this.runs.values()) run.notify();
    this.dueAll = true;
    this.claimDue();
  }

  /** Ends the run of a store whose settings changed (paused, new credentials); the next claim sees the change. */
  endRun(storeId: string): void {
    this.runs.get(storeId)?.yield();
  }

  /** Claims the due stores (or all, see `dueAll`) into free slots; each finished run looks at its store again. */
  private claimDue(): void {
    if (this.stopped) return;
    if (this.claiming) { this.again = true; return; }
    this.claiming = true;
    const p = (async () => {
      try {
        do {
          this.again = false;
          const free = this.slots();
          if (this.stopped) break;
          if (free <= 0) {
            // Every slot is taken while other stores may have work: warm runs give theirs up.
            if (this.othersWaiting()) this.makeRoom(Infinity);
            break;
          }
          const all = this.dueAll;
          const seen = new Map([...this.due].filter(([id]) => !this.runs.has(id)));
          if (!all && seen.size === 0) break;
          this.dueAll = false;
          const limit = Math.min(free, CLAIM_MAX);
          const claimed = await this.claim(limit, all ? null : [...seen.keys()]);
          const forget = (id: string) => { if (this.due.get(id) === seen.get(id)) this.due.delete(id); };
          if (claimed.length === limit) {
            // Slots ran out first: whatever was not claimed is still due.
            this.again = true;
            if (all) this.dueAll = true;
            for (const { store } of claimed) forget(store.id);
          } else {
            // The rest had nothing to push, or another process holds them (its own notification covers them).
            for (const id of seen.keys()) forget(id);
          }
          for (const { store, rows } of claimed) {
            const job = this.runStore(store, rows, true).finally(() => { this.pending.delete(job); this.claimDue(); });
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
    for (const run of this.runs.values()) run.yield();
    // Runs still pushing keep their leases renewed until they end.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.stopHeartbeat();
    await forgetDispatcher(this.ctx.db, this.s.owner).catch(() => {});
  }
}
