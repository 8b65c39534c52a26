/**
 * Set-wise forms of the per-push statements, so many stores pushing at once share round trips: the dispatcher
 * gathers the calls made in one tick and runs each kind as one statement (see engine/batcher.ts).
 */
import type { Db } from '../types.ts';
import { dirtyRowsOf, type DirtyRow } from './dispatch.ts';
import { countLags } from './lag.ts';

/** Dirty rows of several stores, each newest desired first and at most its own limit, as of `now`. */
export async function loadDirtyMany(db: Db, now: string, stores: readonly { storeId: string; limit: number }[]): Promise<Map<string, DirtyRow[]>> {
  const rows = await db.query<DirtyRow & { store_id: string }>(
    `select s.sid as store_id, d.listing_id, d.sku, d.desired, d.confirmed, d.desired_at::text as desired_at, d.external_id, d.external_location_id
     from unnest($1::text[], $2::int[]) s(sid, lim)
     cross join lateral (${dirtyRowsOf('s.sid', 's.lim', '$3::timestamptz')}) d`,
    [stores.map((s) => s.storeId), stores.map((s) => s.limit), now],
  );
  const out = new Map<string, DirtyRow[]>(stores.map((s) => [s.storeId, []]));
  for (const r of rows) out.get(r.store_id)!.push(r);
  for (const list of out.values()) list.sort((a, b) => (a.desired_at < b.desired_at ? 1 : a.desired_at > b.desired_at ? -1 : a.listing_id < b.listing_id ? -1 : 1));
  return out;
}

/** One push's outcome, as its confirmation writes it. */
export interface PushOutcome {
  supplierId: string; storeId: string; items: number; ok: number; failed: number; durationMs: number; error: string | null;
  /** What the store acknowledged: the quantity it now has, and the item's lag (ms from its value's commit to the answer), or null. */
  acks: { listingId: string; quantity: number; lagMs: number | null }[];
  /**
   * Items the store did not take. `actual`: the level the store reported (drift; it becomes confirmed and a drift
   * line is written, `expected` being the quantity the push named). `retryable` false: the listing backs off by
   * itself (its own retry_at); true: it is retried with the store.
   */
  fails: { listingId: string; sku: string; error: string; actual: number | null; expected: number | null; retryable: boolean }[];
}

export interface ReleaseFields {
  storeId: string;
  /** The call failed as a whole (or every item failed for a retryable reason): count a consecutive failure and back off. */
  failed: boolean;
  /** Some items failed and are retried with the store: retry after the base delay without counting a store failure. */
  partial: boolean;
  retryAfterMs: number;
  pushed: boolean;
  error: string | null;
}

export interface BackoffSettings {
  baseMs: number; capMs: number; circuitAfter: number; unhealthyAfter: number; unhealthyRetryMs: number;
  /** Backoff of a single listing the store rejected for good: base * 2^attempts, capped, times jitter 0.5-1. */
  listingBaseMs: number; listingCapMs: number;
}

/**
 * The confirmation of pushes to several stores, and the end of the leases in `releases`, in one statement. Every
 * part is fenced by the lease: it changes only stores whose lease `owner` holds right now (their rows are locked
 * first, so a claim by another process waits for it or skips the store), and reports the stores it changed. So a
 * process that lost a store's lease, however late its answer comes back, confirms nothing there.
 *
 * For the held stores, in this order:
 * - acknowledged quantities become confirmed (desired rows taken in listing-id order, the one lock order of
 *   `desired`); confirmed becomes what the store acknowledged, so a desired that changed during the push stays
 *   dirty;
 * - failed items count an attempt and keep their error; a reported level (drift) becomes confirmed and writes a
 *   drift line; a listing rejected for good gets its own retry_at;
 * - each push goes into push_log with its lag p50 and max, and each acknowledged item's lag into its store's
 *   histogram of the minute;
 * - the released stores end their leases with their next attempt scheduled: backoff in SQL, like
 *   graphile-worker: next = now + least(cap, base * 2^failures) x jitter(0.5-1); after `circuitAfter` consecutive
 *   failures the circuit opens for `cap`; after `unhealthyAfter` the store is unhealthy and retried forever at
 *   the slow pace.
 * A listing in two pushes of one call takes the later push's answer (pushes are passed in the order they were made).
 */
export async function finishPushes(
  db: Db, owner: string, at: string, b: BackoffSettings, pushes: readonly PushOutcome[], releases: readonly ReleaseFields[],
): Promise<Set<string>> {
  if (pushes.length === 0 && releases.length === 0) return new Set();
  const acks = new Map<string, { listing_id: string; store_id: string; quantity: number }>();
  const fails = new Map<string, { listing_id: string; store_id: string; supplier_id: string; sku: string; error: string; actual: number | null; expected: number | null; retryable: boolean }>();
  for (const p of pushes) {
    for (const a of p.acks) { fails.delete(a.listingId); acks.set(a.listingId, { listing_id: a.listingId, store_id: p.storeId, quantity: a.quantity }); }
    for (const f of p.fails) {
      acks.delete(f.listingId);
      fails.set(f.listingId, { listing_id: f.listingId, store_id: p.storeId, supplier_id: p.supplierId, sku: f.sku, error: f.error, actual: f.actual, expected: f.expected, retryable: f.retryable });
    }
  }
  const logs = pushes.filter((p) => p.items > 0).map((p) => {
    const l = p.acks.flatMap((a) => (a.lagMs === null ? [] : [a.lagMs])).sort((x, y) => x - y);
    // percentile_disc(0.5): the smallest value with at least half the values at or below it.
    return {
      supplier_id: p.supplierId, store_id: p.storeId, items: p.items, ok: p.ok, failed: p.failed, duration_ms: Math.round(p.durationMs), error: p.error,
      lag_p50_ms: l.length ? Math.round(l[Math.ceil(l.length / 2) - 1]!) : null, lag_max_ms: l.length ? Math.round(l[l.length - 1]!) : null,
    };
  });
  const lags = countLags(pushes.flatMap((p) => p.acks.flatMap((a) => (a.lagMs === null ? [] : [{ storeId: p.storeId, lagMs: a.lagMs }]))));
  const rel = releases.map((r) => ({ store_id: r.storeId, failed: r.failed, partial: r.partial, retry_after: Math.round(r.retryAfterMs), pushed: r.pushed, error: r.error }));
  // Only the parts with rows go into the statement (on PGlite planning a part costs about as much as running it).
  const stores = [...new Set([...pushes.map((p) => p.storeId), ...releases.map((r) => r.storeId)])];
  const parts: string[] = [FINISH.params, FINISH.held];
  if (acks.size) parts.push(FINISH.acks);
  if (fails.size) parts.push(FINISH.fails);
  if (acks.size || fails.size) parts.push(FINISH.locked([...(acks.size ? ['acks'] : []), ...(fails.size ? ['fails'] : [])]));
  if (acks.size) parts.push(FINISH.confirmed);
  if (fails.size) parts.push(FINISH.failed);
  if ([...fails.values()].some((f) => f.actual !== null)) parts.push(FINISH.drifted);
  if (logs.length) parts.push(FINISH.logged);
  if (lags.length) parts.push(FINISH.lagged);
  if (rel.length) parts.push(FINISH.released);
  const rows = await db.query<{ id: string }>(
    `with ${parts.join(',\n')}\n select id from held`,
    [owner, at, JSON.stringify(logs), JSON.stringify([...acks.values()]), JSON.stringify([...fails.values()]),
      JSON.stringify(lags.map((l) => ({ store_id: l.storeId, bucket: l.bucket, n: l.n }))), JSON.stringify(rel),
      b.baseMs, b.capMs, b.circuitAfter, b.unhealthyAfter, b.unhealthyRetryMs, b.listingBaseMs, b.listingCapMs, stores],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * The parts of finishPushes' statement, each a named CTE. Parameters: $1 owner, $2 time, $3 push_log rows, $4
 * acknowledgements, $5 failed items, $6 lag counts, $7 releases (JSON arrays), $8-$12 store backoff (base, cap,
 * circuit after, unhealthy after, unhealthy retry), $13-$14 listing backoff (base, cap), $15 the store ids.
 */
const FINISH = {
  // Every parameter's type, named once (a part left out still has its parameter passed).
  params: `params as (select $1::text, $2::timestamptz, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::float, $9::float, $10::int, $11::int,
                             $12::float, $13::float, $14::float, $15::text[])`,
  // The fence: the stores this owner holds, locked, so a claim by another process waits or skips them.
  held: `held as (select s.id from stores s where s.lease_owner = $1 and s.id = any($15::text[]) order by s.id for update)`,
  acks: `acks as (select * from jsonb_to_recordset($4::jsonb) as a(listing_id text, store_id text, quantity int) where a.store_id in (select id from held))`,
  fails: `fails as (
    select * from jsonb_to_recordset($5::jsonb) as f(listing_id text, store_id text, supplier_id text, sku text, error text, actual int, expected int, retryable bool)
    where f.store_id in (select id from held))`,
  // The desired rows to change, locked in listing-id order before any update reads them (the one-time filter
  // in the updates makes each wait for this), so an ingest writing the same rows cannot deadlock with us.
  locked: (from: string[]) => `locked as (
    select d.listing_id from desired d
    where d.listing_id in (${from.map((t) => `select listing_id from ${t}`).join(' union all ')})
    order by d.listing_id for update)`,
  confirmed: `confirmed as (
    update desired d set confirmed = a.quantity, confirmed_at = $2::timestamptz, attempts = 0, last_error = null, retry_at = null
    from acks a where d.listing_id = a.listing_id and (select count(*) from locked) >= 0
    returning 1)`,
  failed: `failed as (
    update desired d set
      attempts = d.attempts + 1, last_error = f.error, confirmed = coalesce(f.actual, d.confirmed),
      -- A row that was in sync and turns dirty through drift counts its lag from now.
      desired_at = case when f.actual is not null and d.confirmed is not distinct from d.desired and f.actual is distinct from d.desired
                        then $2::timestamptz else d.desired_at end,
      retry_at = case when f.retryable or f.actual is not null then null
                      else $2::timestamptz + make_interval(secs => least($14::float, $13 * power(2, least(d.attempts, 30))) * (0.5 + random() * 0.5) / 1000.0) end
    from fails f where d.listing_id = f.listing_id and (select count(*) from locked) >= 0
    returning 1)`,
  drifted: `drifted as (
    insert into drift (supplier_id, store_id, listing_id, sku, expected, actual, source, at)
    select f.supplier_id, f.store_id, f.listing_id, f.sku, f.expected, f.actual, 'push_stale', $2::timestamptz from fails f where f.actual is not null)`,
  logged: `logged as (
    insert into push_log (supplier_id, store_id, at, items, ok, failed, duration_ms, lag_p50_ms, lag_max_ms, error)
    select p.supplier_id, p.store_id, $2::timestamptz, p.items, p.ok, p.failed, p.duration_ms, p.lag_p50_ms, p.lag_max_ms, p.error
    from jsonb_to_recordset($3::jsonb) as p(supplier_id text, store_id text, items int, ok int, failed int, duration_ms int, error text, lag_p50_ms int, lag_max_ms int)
    where p.store_id in (select id from held))`,
  lagged: `lagged as (
    insert into push_lag_minute (store_id, minute, bucket, n)
    select l.store_id, date_trunc('minute', $2::timestamptz), l.bucket, l.n
    from jsonb_to_recordset($6::jsonb) as l(store_id text, bucket int, n int) where l.store_id in (select id from held)
    on conflict (store_id, minute, bucket) do update set n = push_lag_minute.n + excluded.n)`,
  released: `released as (
    update stores s set
      lease_owner = null, lease_until = null,
      failures = case when r.failed then s.failures + 1 else 0 end,
      circuit_open_until = case when r.failed and s.failures + 1 >= $10 then $2::timestamptz + make_interval(secs => $9 / 1000.0) else null end,
      health = case when not r.failed then 'healthy' when s.failures + 1 >= $11 then 'unhealthy' when s.failures + 1 >= $10 then 'degraded' else s.health end,
      next_attempt_at = greatest(
        case
          when r.failed and s.failures + 1 >= $11 then $2::timestamptz + make_interval(secs => $12 * (0.5 + random() * 0.5) / 1000.0)
          when r.failed and s.failures + 1 >= $10 then $2::timestamptz + make_interval(secs => $9 / 1000.0)
          when r.failed then $2::timestamptz + make_interval(secs => least($9::float, $8 * power(2, least(s.failures, 30))) * (0.5 + random() * 0.5) / 1000.0)
          when r.partial then $2::timestamptz + make_interval(secs => $8 / 1000.0)
          else null end,
        case when r.retry_after > 0 then $2::timestamptz + make_interval(secs => r.retry_after / 1000.0) else null end),
      last_push_at = case when r.pushed then $2::timestamptz else s.last_push_at end,
      last_error = r.error
    from jsonb_to_recordset($7::jsonb) as r(store_id text, failed bool, partial bool, retry_after int, pushed bool, error text)
    where s.id = r.store_id and s.id in (select id from held))`,
};
