/**
 * One store's run: the time this process holds the store's lease and pushes to it, as a state machine. The
 * table is the one source of rows: a run reads the store's dirty rows (the first batch comes with the claim),
 * pushes them, writes the confirmation, and reads again. Normally it reads after its confirmation is written, so
 * what it reads as dirty really is, and the last confirmed quantity a push names (Shopify's compare-and-set) is
 * the row's own; when more work is known after a push, the confirmation is written behind the next read and push,
 * and the quantities it acknowledged patch that read until it is written (withUnconfirmed).
 *
 * States and transitions (`TRANSITIONS` below; the run refuses any other move):
 *
 *   reading ──rows──▶ pushing ──answer, failure or timeout──▶ confirming ──more work──▶ reading
 *      │  └─none, warm──▶ warm ──notified──▶ reading                  │
 *      │                   └─idle warmMs, yield──▶ releasing          ├─store failed, rate limited, redrift──▶ ended
 *      └─none (not warm), rate limited, yield──▶ releasing ──▶ ended   └─lease lost (fenced out)──▶ ended
 *
 * - reading: the rows come from the claim or from a read (reads of stores reading at once share a statement).
 *   When the last read returned less than a batch and no notification arrived since, the run knows the table
 *   holds nothing more for it and does not read.
 * - pushing: one connector call, with a timeout that follows the store's measured time.
 * - confirming: acknowledged items become confirmed, failed ones are recorded (a listing the store rejects for
 *   good backs off by itself), the push is logged and its lags counted, all fenced by the lease. A push that
 *   ends the run (the store failed, asked to slow down, or a listing drifted twice) releases the lease in the
 *   same statement, with its backoff. With more work known and every item acknowledged, the confirmation is
 *   written behind the next read and push (at most one behind).
 * - warm (background runs only): the run keeps the lease for `warmMs` after its last push, so the next change to
 *   the store (a notification) is read and pushed without a claim.
 * - releasing: the lease ends; a run that pushed nothing ends it without touching the store's failure state.
 * - ended: the run is over; a lost lease ends it without a release (another process holds the store).
 *
 * Outside events (`notify`, `yield`, `lose`, from the dispatcher) only set facts and wake a waiting run; the run
 * acts on them at its next step. Time comes only from the clock and the scheduler (`RunDeps`).
 */
import type { ClaimedStore, DirtyRow } from '../store/ops/dispatch.ts';
import type { PushOutcome, ReleaseFields } from '../store/ops/dispatch-batched.ts';
import type { SendResult } from './push-call.ts';

export type RunState = 'reading' | 'pushing' | 'confirming' | 'warm' | 'releasing' | 'ended';

/** Every move a store run may make. */
export const TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  reading: ['pushing', 'warm', 'releasing', 'ended'],
  pushing: ['confirming'],
  confirming: ['reading', 'releasing', 'ended'],
  warm: ['reading', 'releasing', 'ended'],
  releasing: ['ended'],
  ended: [],
};

/** What a run needs from the dispatcher: the database (set-wise and fenced), the connector, time. */
export interface RunDeps {
  now(): number;
  /** Calls `fn` after `ms` (the scheduler); returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
  /** The store's dirty rows due now, newest first, at most `limit`. */
  read(limit: number): Promise<DirtyRow[]>;
  /** The connector's batch size and current rate-limit wait. */
  batchSize(): number;
  rateWaitMs(): number;
  send(rows: readonly DirtyRow[]): Promise<SendResult>;
  /** Writes a confirmation and/or a release; false when this process no longer holds the store (fenced out). */
  finish(outcome: PushOutcome | null, release: ReleaseFields | null): Promise<boolean>;
  /** Ends the lease without touching failure state, the store next due at `untilMs` (null: now). */
  defer(untilMs: number | null): Promise<void>;
  /** Whether the run may stay warm now (the dispatcher is running and this process is within its share). */
  mayStayWarm(): boolean;
  /** Whether other stores wait for a slot (a run then gives its up after a third of the lease). */
  othersWaiting(): boolean;
}

export interface RunSettings { warm: boolean; warmMs: number; leaseMs: number }

/** A move the table does not allow: a bug in the run. */
export class BadTransition extends Error {}

export class StoreRun {
  state: RunState = 'reading';
  /** Items acknowledged by the store during this run. */
  pushed = 0;
  /** The lease was lost (not renewed, or a confirmation fenced out): end without releasing it. */
  lost = false;
  /** End at the next step (stop, fairness, share, changed settings). */
  yieldRequested = false;
  /** Notifications received, and the number the last read started at. */
  private seq = 0;
  private readSeq = 0;
  private lastReadFull = false;
  /** Listings that drifted during this run: drifting again ends the run with the base delay. */
  private readonly drifted = new Set<string>();
  private readonly startedAt: number;
  private wakeUp: (() => void) | null = null;
  /**
   * Quantities the store acknowledged whose confirmation is still being written (behind the next read and push),
   * per listing, and that confirmation.
   */
  private readonly unconfirmed = new Map<string, number>();
  private behind: Promise<void> | null = null;
  private behindError: unknown = null;

  constructor(readonly store: ClaimedStore, private readonly s: RunSettings, private readonly deps: RunDeps) {
    this.startedAt = deps.now();
  }

  private go(next: RunState): void {
    if (!TRANSITIONS[this.state].includes(next)) throw new BadTransition(`store run: ${this.state} -> ${next}`);
    this.state = next;
  }

  /** The store's rows changed in the table: read them at the next step. */
  notify(): void { this.seq++; this.kick(); }
  /** End at the next step. */
  yield(): void { this.yieldRequested = true; this.kick(); }
  /** Another process holds the store: end without releasing. */
  lose(): void { this.lost = true; this.kick(); }

  /** Whether work may have reached the run after its last read (then the store goes back to the claims). */
  get workLeft(): boolean { return this.seq !== this.readSeq || this.lastReadFull; }

  get idle(): boolean { return this.state === 'warm'; }

  get age(): number { return this.deps.now() - this.startedAt; }

  /** Runs the store until its run ends; `first` is the batch read with the claim (null: read first). */
  async run(first: DirtyRow[] | null): Promise<void> {
    let rows = first;
    let pushedAny = false;
    try {
      for (;;) {
        // reading
        const batch = Math.max(1, this.deps.batchSize());
        if (this.lost) return this.go('ended');
        if (this.yieldRequested) return await this.release(pushedAny, null);
        if (rows === null) {
          this.readSeq = this.seq;
          const read = this.withUnconfirmed(await this.deps.read(batch));
          this.lastReadFull = read.full;
          rows = read.rows;
        } else {
          // A claim reads a default batch before the connector's size is known: the surplus is read again later.
          this.lastReadFull = rows.length >= batch;
        }
        if (rows.length > batch) rows = rows.slice(0, batch);
        if (this.lost) return this.go('ended');
        if (this.yieldRequested) return await this.release(pushedAny, null);
        if (rows.length === 0) {
          if (!this.s.warm || !this.deps.mayStayWarm()) return await this.release(pushedAny, null);
          // A confirmation still being written is finished before the run waits.
          await this.settle();
          this.go('warm');
          const notified = await this.waitWarm();
          if (this.lost) return this.go('ended');
          if (!notified || this.yieldRequested || !this.deps.mayStayWarm()) return await this.release(pushedAny, null);
          this.go('reading');
          rows = null;
          continue;
        }
        const wait = this.deps.rateWaitMs();
        if (wait > 0) return await this.release(pushedAny, this.deps.now() + wait);
        this.go('pushing');
        const sent = await this.deps.send(rows);
        this.go('confirming');
        const { outcome, end, reread } = this.outcome(rows, sent);
        pushedAny ||= outcome.ok > 0;
        await this.settle();
        if (this.s.warm && !end && !reread && outcome.fails.length === 0 && this.workLeft) {
          // More work is known (a notification came during the push, or the batch was full): the confirmation
          // is written behind the next read and push (see withUnconfirmed).
          this.confirmBehind(outcome);
          this.go('reading');
          rows = null;
          continue;
        }
        const held = await this.deps.finish(outcome, end ? this.releaseFields(end, pushedAny) : null);
        if (!held || this.lost) { this.lost = true; return this.go('ended'); }
        if (end) return this.go('ended');
        // Without a warm run (tests' rounds, `dispatchOnce`), or when other stores wait for a slot, a third of
        // the lease bounds the stay.
        if ((!this.s.warm || this.deps.othersWaiting() || this.yieldRequested) && this.age > this.s.leaseMs / 3) return await this.release(pushedAny, null);
        this.go('reading');
        rows = reread || this.workLeft ? null : [];
      }
    } catch (err) {
      // A connector that cannot be built, a timeout of the database mid-run: end the lease as a failure, so the
      // store is retried after backoff, not after the lease runs out.
      if (this.state === 'ended') throw err;
      this.state = 'releasing';
      await this.behind?.catch(() => {});
      const error = err instanceof Error ? err.message : String(err);
      await this.deps.finish(null, this.releaseFields({ failed: true, error }, pushedAny)).catch(() => {});
      this.state = 'ended';
      throw err;
    }
  }

  /**
   * Writes a push's confirmation without waiting for it; until it is written, its acknowledged quantities are
   * remembered, so a read meanwhile (which may still see those rows as dirty) skips what the store already shows.
   */
  private confirmBehind(outcome: PushOutcome): void {
    for (const a of outcome.acks) this.unconfirmed.set(a.listingId, a.quantity);
    this.behind = this.deps.finish(outcome, null).then(
      (held) => {
        for (const a of outcome.acks) if (this.unconfirmed.get(a.listingId) === a.quantity) this.unconfirmed.delete(a.listingId);
        if (!held) this.lose();
      },
      (err: unknown) => { this.behindError = err; },
    ).finally(() => { this.behind = null; });
  }

  /** Waits for a confirmation written behind, and fails the run if it failed. */
  private async settle(): Promise<void> {
    if (this.behind) await this.behind;
    if (this.behindError) { const err = this.behindError; this.behindError = null; throw err; }
  }

  /**
   * Rows read while a confirmation is being written: a row at the quantity the store just acknowledged is in
   * sync (dropped); a row changed since names that acknowledged quantity as its last confirmed.
   */
  private withUnconfirmed(read: DirtyRow[]): { rows: DirtyRow[]; full: boolean } {
    const full = read.length >= Math.max(1, this.deps.batchSize());
    if (this.unconfirmed.size === 0) return { rows: read, full };
    const rows = read.flatMap((r) => {
      const acked = this.unconfirmed.get(r.listing_id);
      if (acked === undefined) return [r];
      return acked === r.desired ? [] : [{ ...r, confirmed: acked }];
    });
    return { rows, full };
  }

  /** What a push's answer leaves: the confirmation to write and whether it ends the run. */
  private outcome(rows: readonly DirtyRow[], sent: SendResult): { outcome: PushOutcome; end: Partial<ReleaseFields> | null; reread: boolean } {
    const base = { supplierId: this.store.supplier_id, storeId: this.store.id, items: rows.length, durationMs: sent.durationMs };
    if ('error' in sent) {
      return { outcome: { ...base, ok: 0, failed: rows.length, error: sent.error, acks: [], fails: [] }, end: { failed: true, error: sent.error }, reread: false };
    }
    const now = this.deps.now();
    const byId = new Map(rows.map((r) => [r.listing_id, r]));
    // A lag is the time to show a committed value: an item the store took at another quantity has none (and
    // stays dirty, so it is read again).
    let reread = false;
    const acks = sent.acks.map((a) => {
      const row = byId.get(a.listingId)!;
      const exact = a.quantity === row.desired;
      if (!exact) reread = true;
      return { listingId: a.listingId, quantity: a.quantity, lagMs: exact ? Math.max(0, now - Date.parse(row.desired_at)) : null };
    });
    const fails = sent.fails.map((f) => {
      const row = byId.get(f.listingId)!;
      return { listingId: f.listingId, sku: row.sku, error: f.error, actual: f.actual, expected: row.confirmed, retryable: f.retryable };
    });
    this.pushed += acks.length;
    // Drift (the store reported its own level) is no failure of the store: that level becomes confirmed and the
    // row is pushed again at once. A listing drifting again within the run ends it with the base delay, so a
    // store that keeps changing under us is not hammered. A listing rejected for good backs off by itself.
    const drift = sent.fails.filter((f) => f.actual !== null);
    const redrift = drift.some((f) => this.drifted.has(f.listingId));
    for (const f of drift) this.drifted.add(f.listingId);
    const storeFails = sent.fails.filter((f) => f.actual === null && f.retryable).length;
    const failed = storeFails > 0 && acks.length === 0;
    const partial = !failed && (storeFails > 0 || redrift);
    const error = sent.fails[0]?.error ?? null;
    const outcome: PushOutcome = { ...base, ok: acks.length, failed: fails.length, error, acks, fails };
    const end = failed || partial || sent.retryAfterMs > 0
      ? { failed, partial, retryAfterMs: sent.retryAfterMs, error: failed ? (error ?? 'failed') : null }
      : null;
    return { outcome, end, reread: reread || drift.length > 0 };
  }

  private releaseFields(f: Partial<ReleaseFields>, pushed: boolean): ReleaseFields {
    return { storeId: this.store.id, failed: false, partial: false, retryAfterMs: 0, pushed, error: null, ...f };
  }

  /** Ends the lease: a run that pushed nothing leaves the store's failure state alone. */
  private async release(pushedAny: boolean, deferUntil: number | null): Promise<void> {
    this.go('releasing');
    await this.settle();
    if (!pushedAny || deferUntil !== null) await this.deps.defer(deferUntil);
    else await this.deps.finish(null, this.releaseFields({}, true));
    this.go('ended');
  }

  /** Waits in `warm` for a notification (true) or warmMs (false). */
  private waitWarm(): Promise<boolean> {
    if (this.seq !== this.readSeq || this.yieldRequested || this.lost) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = this.deps.after(this.s.warmMs, () => { this.wakeUp = null; resolve(false); });
      this.wakeUp = () => { cancel(); resolve(true); };
    });
  }

  private kick(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }
}
