/**
 * Per-store dispatch (SPEC section 8): claim due stores with a lease, push their dirty rows newest first in
 * batches of the connector's maxBatch, confirm only what was acknowledged, record drift and lag, back off on
 * failure. `runUntilIdle` drives it deterministically for tests; `wake` drives it in the background.
 *
 * In the background a store's run outlives its backlog: it keeps the lease for `warmMs` after its last push, and
 * this process's own commits are handed to it in memory (`handoff`), pushed at once and confirmed behind the
 * push, so a change reaches the store without a notification, a claim or a read. The table stays the truth:
 * notifications from other processes, the sweep and every failure go back to it.
 */
import { claimStores, countDirtyByStore, deferStore, renewLeases, type ClaimedStore, type DirtyRow } from '../store/ops/dispatch.ts';
import { beat, forgetDispatcher } from '../store/ops/dispatchers.ts';
import { finishPushes, loadDirtyMany, type PushOutcome, type ReleaseFields } from '../store/ops/dispatch-batched.ts';
import { Batcher } from './batcher.ts';
import type { Connector } from '../connectors/types.ts';
import type { ConnectorCache } from './connectors.ts';
import type { DesiredChange } from '../store/ops/desired.ts';
import { retryTx } from './retry.ts';
import { iso, type Ctx } from './context.ts';
import { engineMetrics } from './metrics.ts';
import { itemFromChange, itemFromRow, StoreRun, type SentItem } from './store-run.ts';
import { recordFailures, sendPush } from './push-call.ts';

export interface DispatchSettings {
  owner: string; leaseMs: number; pushTimeoutMs: number; backoffBaseMs: number; backoffCapMs: number;
  circuitAfter: number; unhealthyAfter: number; unhealthyRetryMs: number; concurrency: number;
  /** How long a store's run keeps its lease after its last push, waiting for more changes (background only). */
  warmMs: number;
}

/** How a run ends: its lease released with these fields, or deferred to a time (rate limit), or dropped (lost). */
type RunEnd = { release: Partial<ReleaseFields> } | { deferUntil: number | null } | { lost: true };

/** Rows read with a claim for a store whose connector's batch size is not known yet (Shopify's limit). */
const DEFAULT_BATCH = 250;

export class Dispatcher {
  /** Stores this process holds a lease on right now: renewed by the heartbeat, and its busy slots. */
  private readonly held = new Set<string>();
  /** The run of each held store. */
  private readonly runs = new Map<string, StoreRun>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** The most stores this process leases at once: its even share among the live dispatchers. */
  private share = Infinity;
  /** Stores in the database (not paused), as of the last heartbeat. */
  private storeCount = Infinity;
  private claiming = false;
  private again = false;
  /**
   * Stores known to have new work, so a claim looks only at them: a change to a store this process is pushing
   * goes to its run instead. `dueAll`: look at every store (the sweep, and changes whose stores are not known).
   */
  private readonly due = new Map<string, number>();
  private dueAll = true;
  /** Numbers each notification, so a claim forgets only what it saw, never a change that arrived during it. */
  private dueSeq = 0;
  private stopped = true;
  private pending = new Set<Promise<unknown>>();
  /** Each store's batch size, learnt from its connector, so a claim reads the right number of rows. */
  private readonly batchOf = new Map<string, number>();

  // Stores reading at once share one statement; confirmations and lease releases go out one statement at a time,
  // each gathering everything that arrived while the previous one ran.
  private readonly dirty: Batcher<{ storeId: string; limit: number }, DirtyRow[]>;
  private readonly finish: Batcher<{ outcome?: PushOutcome; release?: ReleaseFields }, void>;

  constructor(private readonly ctx: Ctx, private readonly s: DispatchSettings, private readonly connectors: ConnectorCache) {
    const backoff = { baseMs: s.backoffBaseMs, capMs: s.backoffCapMs, circuitAfter: s.circuitAfter, unhealthyAfter: s.unhealthyAfter, unhealthyRetryMs: s.unhealthyRetryMs };
    this.dirty = new Batcher(async (items) => {
      const rows = await loadDirtyMany(ctx.db, items);
      return items.map((i) => rows.get(i.storeId) ?? []);
    });
    this.finish = new Batcher(async (items) => {
      const outcomes = items.flatMap((i) => (i.outcome ? [i.outcome] : []));
      const releases = items.flatMap((i) => (i.release ? [i.release] : []));
      await retryTx(() => finishPushes(ctx.db, s.owner, iso(ctx.clock.now()), backoff, outcomes, releases));
      return items.map((): void => undefined);
    }, true);
  }

  private releaseFields(storeId: string, fields: Partial<ReleaseFields>): ReleaseFields {
    return { storeId, failed: false, partial: false, retryAfterMs: 0, pushed: false, error: null, ...fields };
  }

  /**
   * Runs one claimed store until its work is done (or, `warm`, until it has been idle for warmMs), then ends its
   * lease. `first` is the batch read with the claim. Returns the items acknowledged.
   */
  async runStore(store: ClaimedStore, first: DirtyRow[] | null, warm: boolean): Promise<number> {
    const run = new StoreRun(store, warm);
    this.runs.set(store.id, run);
    this.held.add(store.id);
    if (first) {
      for (const r of first) run.offer(itemFromRow(r));
      run.moreAfterPush = first.length >= (this.batchOf.get(store.id) ?? DEFAULT_BATCH);
    } else {
      run.needRead = true;
    }
    let end: RunEnd;
    try {
      end = await this.loop(run, this.connectors.get(store));
    } catch (err) {
      // A connector that cannot be built or a database error mid-run: end the lease as a failure so the store is
      // retried after backoff, not after the lease runs out.
      this.ctx.log.error({ err, storeId: store.id }, 'push run failed');
      end = { release: { failed: true, error: (err as Error).message ?? String(err) } };
    }
    run.ending = true;
    try {
      await run.confirming.catch((err) => this.ctx.log.warn({ err, storeId: store.id }, 'confirmation failed'));
      if ('deferUntil' in end) {
        await deferStore(this.ctx.db, store.id, this.s.owner, end.deferUntil === null ? null : iso(end.deferUntil));
      } else if ('release' in end) {
        const f = end.release;
        // A run that pushed nothing and did not fail ends its lease without touching the store's failure state.
        if (run.pushed === 0 && !f.failed && !f.partial && !f.retryAfterMs) await deferStore(this.ctx.db, store.id, this.s.owner, null);
        else await this.finish.add({ release: this.releaseFields(store.id, { pushed: run.pushed > 0, ...f }) });
      }
    } catch (err) {
      this.ctx.log.warn({ err, storeId: store.id }, 'lease release failed');
    } finally {
      this.runs.delete(store.id);
      this.held.delete(store.id);
      // Work that reached the run too late for it goes back to the claims.
      if (!('lost' in end) && (run.pending.size > 0 || run.needRead || run.moreAfterPush || run.yieldRequested)) this.due.set(store.id, ++this.dueSeq);
    }
    return run.pushed;
  }

  private async loop(run: StoreRun, connector: Connector): Promise<RunEnd> {
    const { ctx, s } = this;
    for (;;) {
      if (run.failure) throw run.failure;
      if (run.lost) return { lost: true };
      // stop() ends background runs; tests' rounds (runUntilIdle) run without start().
      if ((run.warm && this.stopped) || run.yieldRequested) return { release: {} };
      const wait = connector.rateLimit().waitMs;
      if (wait > 0) return { deferUntil: ctx.clock.now() + wait };
      const batch = Math.max(1, connector.maxBatch);
      this.batchOf.set(run.store.id, batch);
      if (run.needRead && !run.reading) this.read(run, batch);
      const items = run.take(batch);
      if (items.length === 0) {
        if (run.moreAfterPush) { run.moreAfterPush = false; run.needRead = true; continue; }
        if (run.reading) { await run.idle(s.leaseMs); continue; }
        // Warm for warmMs after the last push; reads that find nothing (the sweep's) do not extend it.
        const left = s.warmMs - (performance.now() - run.lastPushAt);
        if (!this.mayStayWarm(run) || left <= 0) return { release: {} };
        await run.idle(left);
        continue;
      }
      run.lastPushAt = performance.now();
      const end = await this.push(run, connector, items);
      if (end) return end;
      // Without a warm run (tests' rounds), or when other stores wait for a slot, a third of the lease bounds the stay.
      if ((!run.warm || run.yieldRequested) && performance.now() - run.startedAt > s.leaseMs / 3) return { release: {} };
    }
  }

  private mayStayWarm(run: StoreRun): boolean {
    return run.warm && !this.stopped && !run.yieldRequested && this.held.size <= this.share;
  }

  /** Reads the store's dirty rows into its run, once the run's confirmations are written (they would read as dirty). */
  private read(run: StoreRun, limit: number): void {
    run.needRead = false;
    run.reading = true;
    void (async () => {
      try {
        await run.confirming.catch(() => {});
        const rows = await this.dirty.add({ storeId: run.store.id, limit });
        for (const r of rows) run.offer(itemFromRow(r));
        if (rows.length >= limit) run.moreAfterPush = true;
      } catch (err) {
        run.failure = err as Error;
      } finally {
        run.reading = false;
        run.kick();
      }
    })();
  }

  /** One push: the call, its acknowledgements remembered and confirmed, failures recorded. Returns how the run ends, if it does. */
  private async push(run: StoreRun, connector: Connector, items: SentItem[]): Promise<RunEnd | null> {
    const { ctx } = this;
    const store = run.store;
    const sent = await sendPush(connector, items, this.s.pushTimeoutMs);
    const ackedAt = ctx.clock.now();
    if ('error' in sent) {
      // The call failed as a whole: its push_log line, then the end of the lease.
      engineMetrics.pushes.inc({ result: 'error' });
      run.confirming = this.confirm(run, { outcome: {
        supplierId: store.supplier_id, storeId: store.id, items: items.length, ok: 0, failed: items.length,
        durationMs: sent.durationMs, error: sent.error, acks: [],
      } }, []);
      ctx.emit('pushed', { storeId: store.id, items: items.length, ok: 0, failed: items.length, error: sent.error, lagMs: [], e2eMs: [] });
      return { release: { failed: true, error: sent.error } };
    }
    const { acks, fails } = sent;
    const byId = new Map(items.map((i) => [i.listingId, i]));
    const lagMs: number[] = [];
    const e2eMs: number[] = [];
    const acked = acks.map((a) => {
      const item = byId.get(a.listingId)!;
      run.acked(a.listingId, item.version, a.quantity);
      // A lag is the time to show a committed value: an item the store took at another quantity has none.
      const lag = a.quantity === item.desired ? Math.max(0, ackedAt - item.originMs) : null;
      if (lag !== null) { lagMs.push(lag); e2eMs.push(Math.max(0, ackedAt - item.arrivedMs)); }
      return { listingId: a.listingId, quantity: a.quantity, lagMs: lag, version: item.version };
    });
    run.pushed += acks.length;
    // Items that came back with the store's actual level are drift, not failures of the store: confirmed now
    // holds the store's number, so push again at once. A listing that drifts again within this run ends it with
    // the base delay, so a store that keeps changing under us is not hammered.
    const drift = fails.filter((f) => f.actual !== null);
    const hardFails = fails.length - drift.length;
    const allFailed = hardFails > 0 && acks.length === 0;
    const partial = !allFailed && hardFails > 0;
    const redrift = drift.some((f) => run.drifted.has(f.listingId));
    for (const f of drift) run.drifted.add(f.listingId);
    const error = fails[0]?.error ?? null;
    const confirm = this.confirm(run, { outcome: {
      supplierId: store.supplier_id, storeId: store.id, items: items.length, ok: acks.length, failed: fails.length,
      durationMs: sent.durationMs, error, acks: acked,
    } }, acked);
    run.confirming = confirm;
    // In the background the next push goes out while this one is confirmed; tests' rounds wait, step by step.
    if (!run.warm || fails.length > 0) await confirm;
    if (fails.length > 0) {
      // Failures are recorded after the confirmation (in order) and before the lease ends, so whoever claims the
      // store next sees them.
      const record = recordFailures(this.ctx, store, byId, fails);
      run.confirming = record;
      await record;
      for (const f of drift) run.acked(f.listingId, byId.get(f.listingId)!.version, f.actual!);
      // Pushed again at once, against the level the store reported (now the row's confirmed, written above).
      if (!redrift) for (const f of drift) run.requeue({ ...byId.get(f.listingId)!, confirmed: f.actual!, fromTable: true });
    }
    engineMetrics.pushes.inc({ result: allFailed ? 'failed' : fails.length ? 'partial' : 'ok' });
    if (acks.length) engineMetrics.pushedItems.inc({ result: 'ok' }, acks.length);
    if (fails.length) engineMetrics.pushedItems.inc({ result: 'failed' }, fails.length);
    for (const l of lagMs) engineMetrics.pushLag.observe(l / 1000);
    ctx.emit('pushed', { storeId: store.id, items: items.length, ok: acks.length, failed: fails.length, lagMs, e2eMs });
    if (allFailed || partial || redrift || sent.retryAfterMs) {
      return { release: { failed: allFailed, partial: partial || redrift, retryAfterMs: sent.retryAfterMs, error: allFailed ? (error ?? 'failed') : null } };
    }
    return null;
  }

  /**
   * Queues a push's confirmation. It never rejects: nobody may be waiting for it yet (the next push goes out
   * first), so a failure ends the run instead, leaving the rows dirty for the next claim.
   */
  private confirm(run: StoreRun, work: { outcome: PushOutcome }, acked: readonly { listingId: string; version: number }[]): Promise<void> {
    return this.finish.add(work).then(
      () => run.confirmed(acked, performance.now()),
      (err: unknown) => {
        this.ctx.log.warn({ err, storeId: run.store.id }, 'confirmation failed');
        run.failure ??= err instanceof Error ? err : new Error(String(err));
        run.kick();
      },
    );
  }

  /**
   * Renews the leases of the stores held. Leases can then be short (10 s by default): a process that dies stops
   * renewing, and its stores are taken over by the others within one lease, however long a push may take while
   * the process lives. A run whose lease was not renewed (another process took the store) stops at once.
   */
  async heartbeat(): Promise<void> {
    const now = this.ctx.clock.now();
    if (this.held.size > 0) {
      const asked = [...this.held];
      const renewed = await renewLeases(this.ctx.db, this.s.owner, asked, iso(now + this.s.leaseMs));
      for (const id of asked) {
        const run = this.runs.get(id);
        if (!renewed.has(id) && run && !run.ending) { run.lost = true; run.kick(); }
      }
    }
    // Each process holds at most its share of the stores at once, so under sustained traffic several processes
    // take turns instead of the first one to wake claiming every store.
    const { live, stores } = await beat(this.ctx.db, this.s.owner, iso(now), iso(now - this.s.leaseMs));
    this.storeCount = stores;
    const share = Math.max(1, Math.ceil(stores / live));
    const grew = share > this.share;
    this.share = share;
    if (grew) this.wake();
    else if (this.held.size > share) this.makeRoom(this.held.size - share);
  }

  /** Asks runs to end so their slots go to other stores: idle ones first, then those past a third of the lease. */
  private makeRoom(wanted: number): void {
    const live = [...this.runs.values()].filter((r) => !r.ending && !r.yieldRequested);
    const idle = live.filter((r) => r.pending.size === 0 && !r.reading);
    const old = live.filter((r) => !idle.includes(r) && performance.now() - r.startedAt > this.s.leaseMs / 3);
    for (const r of [...idle, ...old].slice(0, wanted)) { r.yieldRequested = true; r.kick(); }
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
      const counts = await Promise.all(claimed.map((c) => this.runStore(c.store, c.rows, false)));
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
   * This process's committed desired changes, handed over right after their commit (`committedAt`): a store
   * with a run gets them in memory; the others are claimed.
   */
  handoff(changes: readonly DesiredChange[], committedAt: number): void {
    const others = new Set<string>();
    for (const c of changes) {
      const run = this.runs.get(c.storeId);
      if (run && !run.ending && !run.lost) {
        if (run.offer(itemFromChange(c, committedAt))) run.kick();
      } else {
        others.add(c.storeId);
      }
    }
    if (others.size > 0) this.notify(others);
  }

  /**
   * Stores whose desired rows changed in the table (another process's commits, drift, orders): a store with a
   * run reads its rows; the others are claimed.
   */
  notify(storeIds: Iterable<string>): void {
    let claimable = false;
    for (const id of storeIds) {
      const run = this.runs.get(id);
      if (run && !run.ending && !run.lost) { run.needRead = true; run.kick(); continue; }
      this.due.set(id, ++this.dueSeq);
      if (!this.held.has(id)) claimable = true;
    }
    if (claimable) this.claimDue();
  }

  /** Background mode: every run reads its store again, and free slots claim from every store. */
  wake(): void {
    for (const run of this.runs.values()) if (!run.ending) { run.needRead = true; run.kick(); }
    this.dueAll = true;
    this.claimDue();
  }

  /** Ends the run of a store whose settings changed (paused, new credentials); the next claim sees the change. */
  endRun(storeId: string): void {
    const run = this.runs.get(storeId);
    if (run) { run.yieldRequested = true; run.kick(); }
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
          const free = Math.min(this.s.concurrency, this.share) - this.held.size;
          if (this.stopped) break;
          if (free <= 0) {
            // Every slot is taken while other stores may have work: runs with nothing to do give theirs up.
            const others = [...this.due.keys()].some((id) => !this.held.has(id)) || (this.dueAll && this.held.size < this.storeCount);
            if (others) this.makeRoom(Infinity);
            break;
          }
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
            const job = this.runStore(store, rows, true)
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
    for (const run of this.runs.values()) run.kick();
    // Runs still pushing keep their leases renewed until they end.
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    clearInterval(this.heartbeatTimer);
    await forgetDispatcher(this.ctx.db, this.s.owner).catch(() => {});
  }
}
