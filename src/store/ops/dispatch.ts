import type { Db } from '../types.ts';

export interface ClaimedStore {
  id: string; supplier_id: string; platform: string; config: Record<string, unknown>; credentials: string | null; failures: number;
}

/**
 * Leases up to `limit` stores that have dirty rows and are due (not paused, backoff and circuit passed, lease
 * free or expired). SKIP LOCKED lets several processes claim side by side without waiting or sharing a store.
 */
export async function claimStores(db: Db, owner: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedStore[]> {
  return db.query<ClaimedStore>(
    `update stores s set lease_owner = $1, lease_until = $3::timestamptz
     where s.id in (
       select st.id from stores st
       where not st.paused
         and (st.lease_until is null or st.lease_until < $2::timestamptz)
         and (st.next_attempt_at is null or st.next_attempt_at <= $2::timestamptz)
         and exists (select 1 from desired d where d.store_id = st.id and d.confirmed is distinct from d.desired)
       -- Least recently pushed first: round robin, so busy stores cannot starve the others.
       order by st.last_push_at nulls first, st.id
       limit $4
       for update skip locked)
     returning s.id, s.supplier_id, s.platform, s.config, s.credentials, s.failures`,
    [owner, now, leaseUntil, limit],
  );
}

export interface DirtyRow {
  listing_id: string; sku: string; desired: number; confirmed: number | null; desired_at: string;
  external_id: string; external_location_id: string | null;
}

/** The store's dirty rows, newest desired first (a row holds only its newest value: coalescing is natural). */
export async function loadDirty(db: Db, storeId: string, limit: number): Promise<DirtyRow[]> {
  return db.query<DirtyRow>(
    `select d.listing_id, d.sku, d.desired, d.confirmed, d.desired_at::text as desired_at, l.external_id, l.external_location_id
     from desired d join listings l on l.id = d.listing_id
     where d.store_id = $1 and d.confirmed is distinct from d.desired
     order by d.desired_at desc, d.listing_id limit $2`,
    [storeId, limit],
  );
}

export interface PushRecord {
  supplierId: string; storeId: string; at: string; items: number; ok: number; failed: number; durationMs: number; error: string | null;
}

/**
 * One round trip after a push: acknowledged quantities become confirmed (rows locked in listing-id order, the
 * one lock order of `desired`), each acknowledged item whose desired is the value pushed gets its lag
 * (desired_at -> now) into push_lag, and the push goes into push_log. confirmed becomes what the store
 * acknowledged, so a desired that changed during the push stays dirty. Returns the lags in ms.
 */
export async function confirmPush(
  db: Db, acks: readonly { listingId: string; quantity: number }[], r: PushRecord,
): Promise<number[]> {
  const rows = await db.query<{ lags: number[] | null }>(
    `with locked as (select listing_id from desired where listing_id = any($2::text[]) order by listing_id for update),
     conf as (
       update desired d set confirmed = u.q, confirmed_at = $4::timestamptz, attempts = 0, last_error = null
       from locked l join unnest($2::text[], $3::int[]) u(id, q) on u.id = l.listing_id
       where d.listing_id = l.listing_id and d.store_id = $1
       returning case when d.desired = u.q then greatest(0, round(extract(epoch from ($4::timestamptz - d.desired_at)) * 1000))::int end as lag),
     lags as (select lag from conf where lag is not null),
     pl as (insert into push_lag (store_id, at, lag_ms) select $1, $4::timestamptz, lag from lags returning lag_ms),
     log as (
       insert into push_log (supplier_id, store_id, at, items, ok, failed, duration_ms, lag_p50_ms, lag_max_ms, error)
       select $5, $1, $4::timestamptz, $6, $7, $8, $9,
              (select percentile_disc(0.5) within group (order by lag) from lags), (select max(lag) from lags), $10
       returning 1)
     select (select array_agg(lag_ms) from pl) as lags, (select count(*) from log) as logged`,
    [r.storeId, acks.map((a) => a.listingId), acks.map((a) => a.quantity), r.at, r.supplierId, r.items, r.ok, r.failed, r.durationMs, r.error],
  );
  return rows[0]?.lags ?? [];
}

/**
 * Records acknowledged quantities as confirmed. confirmed always becomes what the store acknowledged, so a
 * desired value that changed during the push stays dirty (desired <> confirmed) and is pushed again. Returns the
 * rows whose desired equals the acknowledged value, with their desired_at (the lag origin).
 */
export async function confirmAcks(
  db: Db, storeId: string, acks: readonly { listingId: string; quantity: number }[], now: string,
): Promise<{ listing_id: string; desired_at: string }[]> {
  if (acks.length === 0) return [];
  return db.query<{ listing_id: string; desired_at: string }>(
    `update desired d set confirmed = u.q, confirmed_at = $4::timestamptz, attempts = 0, last_error = null
     from unnest($2::text[], $3::int[]) u(id, q)
     where d.listing_id = u.id and d.store_id = $1
     returning d.listing_id, case when d.desired = u.q then d.desired_at::text end as desired_at`,
    [storeId, acks.map((a) => a.listingId), acks.map((a) => a.quantity), now],
  ).then((rows) => rows.filter((r) => r.desired_at !== null));
}

/** Failed items: count the attempt and keep the error; with `actual`, the store's real level becomes confirmed. */
/**
 * Records failed items. An item that came back with the store's actual level (drift) takes it as confirmed; if
 * the row had been in sync, its lag is counted from now, when the drift was found.
 */
export async function recordItemFailures(
  db: Db, storeId: string, fails: readonly { listingId: string; error: string; actual: number | null }[], at: string,
): Promise<void> {
  if (fails.length === 0) return;
  await db.query(
    `update desired d set attempts = d.attempts + 1, last_error = u.e, confirmed = coalesce(u.a, d.confirmed),
       desired_at = case when u.a is not null and d.confirmed is not distinct from d.desired and u.a is distinct from d.desired
                         then $5::timestamptz else d.desired_at end
     from unnest($2::text[], $3::text[], $4::int[]) u(id, e, a) where d.listing_id = u.id and d.store_id = $1`,
    [storeId, fails.map((f) => f.listingId), fails.map((f) => f.error), fails.map((f) => f.actual), at],
  );
}

export async function insertDrift(
  db: Db, rows: readonly { supplierId: string; storeId: string; listingId: string; sku: string; expected: number | null; actual: number; source: string }[],
  at: string,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into drift (supplier_id, store_id, listing_id, sku, expected, actual, source, at)
     select u.sup, u.st, u.l, u.s, u.e, u.a, u.src, $8::timestamptz
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[]) u(sup, st, l, s, e, a, src)`,
    [rows.map((r) => r.supplierId), rows.map((r) => r.storeId), rows.map((r) => r.listingId), rows.map((r) => r.sku),
      rows.map((r) => r.expected), rows.map((r) => r.actual), rows.map((r) => r.source), at],
  );
}

export async function insertPushLog(
  db: Db, r: { supplierId: string; storeId: string; at: string; items: number; ok: number; failed: number; durationMs: number; lags: number[]; error: string | null },
): Promise<void> {
  const sorted = [...r.lags].sort((a, b) => a - b);
  await db.query(
    `insert into push_log (supplier_id, store_id, at, items, ok, failed, duration_ms, lag_p50_ms, lag_max_ms, error)
     values ($1, $2, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10)`,
    [r.supplierId, r.storeId, r.at, r.items, r.ok, r.failed, r.durationMs,
      sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null, sorted.length ? sorted[sorted.length - 1] : null, r.error],
  );
  if (sorted.length > 0) {
    await db.query(`insert into push_lag (store_id, at, lag_ms) select $1, $2::timestamptz, l from unnest($3::int[]) l`, [r.storeId, r.at, r.lags]);
  }
}

export interface ReleaseStore {
  storeId: string; owner: string; now: string;
  /** The call failed as a whole (or every item failed): count a consecutive failure and back off. */
  failed: boolean;
  /** Some items failed: retry after the base delay without counting a store failure. */
  partial: boolean;
  retryAfterMs: number; pushed: boolean; error: string | null;
  baseMs: number; capMs: number; circuitAfter: number; unhealthyAfter: number; unhealthyRetryMs: number;
}

/**
 * Ends a lease and schedules the next attempt. Backoff in SQL: next = now + least(cap, base * 2^failures) x
 * jitter(0.5-1); after `circuitAfter` consecutive failures the circuit opens for `cap`; after `unhealthyAfter`
 * the store is unhealthy and retried forever at the slow pace.
 */
export async function releaseStore(db: Db, r: ReleaseStore): Promise<number> {
  const rows = await db.query<{ dirty: number }>(
    `update stores set
       lease_owner = null, lease_until = null,
       failures = case when $3 then failures + 1 else 0 end,
       circuit_open_until = case when $3 and failures + 1 >= $11 then $2::timestamptz + make_interval(secs => $10 / 1000.0) else null end,
       health = case when not $3 then 'healthy' when failures + 1 >= $12 then 'unhealthy' when failures + 1 >= $11 then 'degraded' else health end,
       next_attempt_at = greatest(
         case
           when $3 and failures + 1 >= $12 then $2::timestamptz + make_interval(secs => $13 * (0.5 + random() * 0.5) / 1000.0)
           when $3 and failures + 1 >= $11 then $2::timestamptz + make_interval(secs => $10 / 1000.0)
           when $3 then $2::timestamptz + make_interval(secs => least($10::float, $9 * power(2, least(failures, 30))) * (0.5 + random() * 0.5) / 1000.0)
           when $4 then $2::timestamptz + make_interval(secs => $9 / 1000.0)
           else null end,
         case when $5 > 0 then $2::timestamptz + make_interval(secs => $5 / 1000.0) else null end),
       last_push_at = case when $6 then $2::timestamptz else last_push_at end,
       last_error = $7
     where id = $1 and lease_owner = $8
     returning (select count(*)::int from desired where store_id = $1 and confirmed is distinct from desired) as dirty`,
    [r.storeId, r.now, r.failed, r.partial, r.retryAfterMs, r.pushed, r.error, r.owner,
      r.baseMs, r.capMs, r.circuitAfter, r.unhealthyAfter, r.unhealthyRetryMs],
  );
  return rows[0]?.dirty ?? 0;
}

/** Ends a lease without touching failure state (nothing to do, or rate limited until `nextAt`). */
export async function deferStore(db: Db, storeId: string, owner: string, nextAt: string | null): Promise<void> {
  await db.query(
    `update stores set lease_owner = null, lease_until = null, next_attempt_at = $3::timestamptz where id = $1 and lease_owner = $2`,
    [storeId, owner, nextAt],
  );
}

export async function countDirty(db: Db, storeId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from desired where store_id = $1 and confirmed is distinct from desired`, [storeId],
  );
  return rows[0]?.n ?? 0;
}
