import type { Db } from '../types.ts';

export interface ClaimedStore {
  id: string; supplier_id: string; platform: string; config: Record<string, unknown>; credentials: string | null; failures: number;
}

/**
 * Leases up to `limit` stores that have dirty rows due at `now` and are due themselves (not paused, backoff and
 * circuit passed, lease free or expired), and returns each with its first batch of dirty rows (newest desired
 * first, `rows` for the store if known, else `defaultRows`): the claim and the first read are one round trip.
 * SKIP LOCKED lets several processes claim side by side without waiting or sharing a store. Lease times come
 * from the database's clock, so hosts whose clocks disagree still agree on who holds a store.
 */
export async function claimStores(
  db: Db, owner: string, now: string, leaseMs: number, limit: number, defaultRows: number, rows: ReadonlyMap<string, number> = new Map(),
  only: readonly string[] | null = null, running: readonly string[] = [],
): Promise<{ store: ClaimedStore; rows: DirtyRow[] }[]> {
  const found = await db.query<ClaimedStore & { listing_id: string | null } & Omit<DirtyRow, 'listing_id'>>(
    `with claimed as (
       update stores s set lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0)
       where s.id in (
         select st.id from stores st
         where not st.paused and ($8::text[] is null or st.id = any($8::text[]))
           -- A lease of this owner's that none of its runs holds (its release failed, say with the database away)
           -- is this owner's to take again.
           and (st.lease_until is null or st.lease_until < clock_timestamp() or (st.lease_owner = $1 and not st.id = any($9::text[])))
           and (st.next_attempt_at is null or st.next_attempt_at <= $2::timestamptz)
           and exists (select 1 from desired d where d.store_id = st.id and d.confirmed is distinct from d.desired
                       and (d.retry_at is null or d.retry_at <= $2::timestamptz))
         -- Least recently pushed first: round robin, so busy stores cannot starve the others.
         order by st.last_push_at nulls first, st.id
         limit $4
         for update skip locked)
       returning s.id, s.supplier_id, s.platform, s.config, s.credentials, s.failures, s.last_push_at)
     select c.id, c.supplier_id, c.platform, c.config, c.credentials, c.failures,
            d.listing_id, d.sku, d.desired, d.confirmed, d.desired_at::text as desired_at, d.external_id, d.external_location_id
     from claimed c
     left join lateral (${dirtyRowsOf('c.id', 'coalesce((select m.n from unnest($6::text[], $7::int[]) m(sid, n) where m.sid = c.id), $5)', '$2::timestamptz')}) d on true
     order by c.last_push_at nulls first, c.id, d.desired_at desc, d.listing_id`,
    [owner, now, leaseMs, limit, defaultRows, [...rows.keys()], [...rows.values()], only, running],
  );
  const out = new Map<string, { store: ClaimedStore; rows: DirtyRow[] }>();
  for (const r of found) {
    let entry = out.get(r.id);
    if (!entry) out.set(r.id, (entry = { store: { id: r.id, supplier_id: r.supplier_id, platform: r.platform, config: r.config, credentials: r.credentials, failures: r.failures }, rows: [] }));
    if (r.listing_id !== null) {
      entry.rows.push({
        listing_id: r.listing_id, sku: r.sku, desired: r.desired, confirmed: r.confirmed, desired_at: r.desired_at,
        external_id: r.external_id, external_location_id: r.external_location_id,
      });
    }
  }
  return [...out.values()];
}

/**
 * SQL for one store's dirty rows due at `now` (a listing backing off by itself waits for its retry_at), newest
 * desired first, at most `limit` (all three SQL expressions), as a lateral subquery of the claim and of
 * loadDirtyMany; it reads from the top of the `desired_dirty_newest` index.
 */
export function dirtyRowsOf(storeId: string, limit: string, now: string): string {
  return `select listing_id, sku, desired, confirmed, desired_at, external_id, external_location_id from desired
       where store_id = ${storeId} and confirmed is distinct from desired and (retry_at is null or retry_at <= ${now})
       order by desired_at desc, listing_id limit ${limit}`;
}

/** One dirty row as a push carries it (loaded set-wise by loadDirtyMany in dispatch-batched.ts). */
export interface DirtyRow {
  listing_id: string; sku: string; desired: number; confirmed: number | null; desired_at: string;
  external_id: string; external_location_id: string | null;
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

/**
 * Extends the leases this owner still holds (the heartbeat of a live process), by the database's clock. Returns the stores renewed: a
 * store paused (or deleted) meanwhile is not, so its run stops pushing, whichever process paused it.
 */
export async function renewLeases(db: Db, owner: string, storeIds: readonly string[], leaseMs: number): Promise<Set<string>> {
  if (storeIds.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    `update stores set lease_until = clock_timestamp() + make_interval(secs => $3 / 1000.0)
     where id = any($2::text[]) and lease_owner = $1 and not paused returning id`,
    [owner, storeIds, leaseMs],
  );
  return new Set(rows.map((r) => r.id));
}

/** Ends a lease without touching failure state (nothing to do, or rate limited until `nextAt`). */
export async function deferStore(db: Db, storeId: string, owner: string, nextAt: string | null): Promise<void> {
  await db.query(
    `update stores set lease_owner = null, lease_until = null, next_attempt_at = $3::timestamptz where id = $1 and lease_owner = $2`,
    [storeId, owner, nextAt],
  );
}

/** Dirty rows of every store that has any (the queue-depth gauge, refreshed by the sweep). */
export async function countDirtyByStore(db: Db): Promise<Map<string, number>> {
  const rows = await db.query<{ store_id: string; n: number }>(
    `select store_id, count(*)::int as n from desired where confirmed is distinct from desired group by store_id`,
  );
  return new Map(rows.map((r) => [r.store_id, r.n]));
}

export async function countDirty(db: Db, storeId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from desired where store_id = $1 and confirmed is distinct from desired`, [storeId],
  );
  return rows[0]?.n ?? 0;
}

/** Listings of a store backing off by themselves (the store rejected them for good), soonest retry first. */
export async function listingProblems(db: Db, storeId: string): Promise<{ listing_id: string; sku: string; last_error: string; attempts: number; retry_at: string }[]> {
  return db.query(
    `select listing_id, sku, coalesce(last_error, '') as last_error, attempts, retry_at::text as retry_at from desired
     where store_id = $1 and retry_at is not null and confirmed is distinct from desired order by retry_at, listing_id limit 100`,
    [storeId],
  );
}
