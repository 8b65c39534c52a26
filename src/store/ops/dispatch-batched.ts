/**
 * Set-wise forms of the per-push statements, so many stores pushing at once share round trips: the dispatcher
 * gathers the calls made in one tick and runs each kind as one statement (see engine/batcher.ts).
 */
import type { Db } from '../types.ts';
import { dirtyRowsOf, type DirtyRow } from './dispatch.ts';

/** Dirty rows of several stores, each newest desired first and at most its own limit. */
export async function loadDirtyMany(db: Db, stores: readonly { storeId: string; limit: number }[]): Promise<Map<string, DirtyRow[]>> {
  const rows = await db.query<DirtyRow & { store_id: string }>(
    `select s.sid as store_id, d.listing_id, d.sku, d.desired, d.confirmed, d.desired_at::text as desired_at, d.external_id, d.external_location_id,
            d.version
     from unnest($1::text[], $2::int[]) s(sid, lim)
     cross join lateral (${dirtyRowsOf('s.sid', 's.lim')}) d`,
    [stores.map((s) => s.storeId), stores.map((s) => s.limit)],
  );
  const out = new Map<string, DirtyRow[]>(stores.map((s) => [s.storeId, []]));
  for (const r of rows) out.get(r.store_id)!.push({ ...r, version: Number(r.version) });
  for (const list of out.values()) list.sort((a, b) => (a.desired_at < b.desired_at ? 1 : a.desired_at > b.desired_at ? -1 : a.listing_id < b.listing_id ? -1 : 1));
  return out;
}

export interface PushOutcome {
  supplierId: string; storeId: string; items: number; ok: number; failed: number; durationMs: number; error: string | null;
  /**
   * What the store acknowledged: the quantity it now has, and the item's lag to record (ms, from when its value
   * was committed to when the store answered), or null for none.
   */
  acks: { listingId: string; quantity: number; lagMs: number | null }[];
}

export interface ReleaseFields {
  storeId: string;
  /** The call failed as a whole (or every item failed): count a consecutive failure and back off. */
  failed: boolean;
  /** Some items failed: retry after the base delay without counting a store failure. */
  partial: boolean;
  retryAfterMs: number;
  pushed: boolean;
  error: string | null;
}

export interface BackoffSettings { baseMs: number; capMs: number; circuitAfter: number; unhealthyAfter: number; unhealthyRetryMs: number }

/**
 * After pushes to several stores, one statement: acknowledged quantities become confirmed (rows taken in
 * listing-id order, the one lock order of `desired`), each acknowledged item's lag goes into push_lag, each
 * push goes into push_log with its lag p50 and max, and the stores in `releases` end their leases with their
 * next attempt scheduled. confirmed becomes what the store acknowledged, so a desired that changed during the
 * push stays dirty. A listing acknowledged by two pushes in one call takes the later one (pushes are passed in
 * the order they were made).
 *
 * Backoff in SQL, like graphile-worker: next = now + least(cap, base * 2^failures) x jitter(0.5-1); after
 * `circuitAfter` consecutive failures the circuit opens for `cap`; after `unhealthyAfter` the store is
 * unhealthy and retried forever at the slow pace.
 *
 * @example
 *   // confirm two acks of one store and end its lease as a success
 *   await finishPushes(db, owner, now, backoff, [{ storeId, acks: [{ listingId, quantity: 4, lagMs: 12 }], ... }], [{ storeId, failed: false, pushed: true, ... }]);
 */
export async function finishPushes(
  db: Db, owner: string, at: string, b: BackoffSettings, pushes: readonly PushOutcome[], releases: readonly ReleaseFields[],
): Promise<void> {
  const latest = new Map<string, { listingId: string; quantity: number }>();
  for (const p of pushes) for (const a of p.acks) latest.set(a.listingId, a);
  const acks = [...latest.values()].sort((x, y) => (x.listingId < y.listingId ? -1 : x.listingId > y.listingId ? 1 : 0));
  const lags = pushes.flatMap((p) => p.acks.flatMap((a) => (a.lagMs === null ? [] : [{ storeId: p.storeId, lag: a.lagMs }])));
  const stats = pushes.map((p) => {
    const l = p.acks.flatMap((a) => (a.lagMs === null ? [] : [a.lagMs])).sort((x, y) => x - y);
    // percentile_disc(0.5): the smallest value with at least half the values at or below it.
    return l.length ? { p50: l[Math.ceil(l.length / 2) - 1]!, max: l[l.length - 1]! } : { p50: null, max: null };
  });
  await db.query(
    `with locked as (select listing_id from desired where listing_id = any($1::text[]) order by listing_id for update),
     conf as (
       -- The rows are locked first, all in listing-id order (the one-time filter runs \`locked\` before the update
       -- reads a row), so an ingest writing the same rows cannot deadlock with us whatever join the planner picks
       -- here; the update itself then finds each row by its key.
       update desired d set confirmed = u.q, confirmed_at = $3::timestamptz, attempts = 0, last_error = null
       from unnest($1::text[], $2::int[]) u(id, q)
       where d.listing_id = u.id and (select count(*) from locked) >= 0
       returning 1),
     pl as (insert into push_lag (store_id, at, lag_ms) select l.sid, $3::timestamptz, l.lag from unnest($23::text[], $24::int[]) l(sid, lag)),
     log as (
       insert into push_log (supplier_id, store_id, at, items, ok, failed, duration_ms, lag_p50_ms, lag_max_ms, error)
       select r.sup, r.sid, $3::timestamptz, r.items, r.ok, r.failed, r.dur, r.p50, r.mx, r.err
       from unnest($4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::text[], $25::int[], $26::int[]) r(sup, sid, items, ok, failed, dur, err, p50, mx)
       where r.items > 0),
     rel as (
       update stores s set
         lease_owner = null, lease_until = null,
         failures = case when r.failed then s.failures + 1 else 0 end,
         circuit_open_until = case when r.failed and s.failures + 1 >= $14 then $3::timestamptz + make_interval(secs => $13 / 1000.0) else null end,
         health = case when not r.failed then 'healthy' when s.failures + 1 >= $15 then 'unhealthy' when s.failures + 1 >= $14 then 'degraded' else s.health end,
         next_attempt_at = greatest(
           case
             when r.failed and s.failures + 1 >= $15 then $3::timestamptz + make_interval(secs => $16 * (0.5 + random() * 0.5) / 1000.0)
             when r.failed and s.failures + 1 >= $14 then $3::timestamptz + make_interval(secs => $13 / 1000.0)
             when r.failed then $3::timestamptz + make_interval(secs => least($13::float, $12 * power(2, least(s.failures, 30))) * (0.5 + random() * 0.5) / 1000.0)
             when r.partial then $3::timestamptz + make_interval(secs => $12 / 1000.0)
             else null end,
           case when r.retry_after > 0 then $3::timestamptz + make_interval(secs => r.retry_after / 1000.0) else null end),
         last_push_at = case when r.pushed then $3::timestamptz else s.last_push_at end,
         last_error = r.error
       from unnest($17::text[], $18::bool[], $19::bool[], $20::int[], $21::bool[], $22::text[]) r(sid, failed, partial, retry_after, pushed, error)
       where s.id = r.sid and s.lease_owner = $11)
     select 1`,
    [acks.map((a) => a.listingId), acks.map((a) => a.quantity), at,
      pushes.map((p) => p.supplierId), pushes.map((p) => p.storeId), pushes.map((p) => p.items), pushes.map((p) => p.ok),
      pushes.map((p) => p.failed), pushes.map((p) => p.durationMs), pushes.map((p) => p.error),
      owner, b.baseMs, b.capMs, b.circuitAfter, b.unhealthyAfter, b.unhealthyRetryMs,
      releases.map((r) => r.storeId), releases.map((r) => r.failed), releases.map((r) => r.partial),
      releases.map((r) => Math.round(r.retryAfterMs)), releases.map((r) => r.pushed), releases.map((r) => r.error),
      lags.map((l) => l.storeId), lags.map((l) => Math.round(l.lag)), stats.map((s) => s.p50), stats.map((s) => s.max)],
  );
}
