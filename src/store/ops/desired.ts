import type { Db } from '../types.ts';

/** A listing's desired quantity, with the store item it goes to (copied from the listing, which never changes). */
export interface DesiredWrite { listingId: string; storeId: string; sku: string; externalId: string; externalLocationId: string | null; desired: number }

/**
 * A desired row as a write left it: its new `version` (each write adds one), the store's last confirmed
 * quantity as the write saw it, and `desiredAt`, the time the change counts from.
 */
export interface DesiredChange extends DesiredWrite { version: number; confirmed: number | null; desiredAt: string }

export const DESIRED_CHANNEL = 'dropsync_desired';

/**
 * NOTIFY payload: `origin|ids`, the writing process (empty when not known) and the changed stores' ids,
 * comma-separated, one notification per statement (one per store cost the listener 50 messages per event at 50
 * stores). Past Postgres's 8,000-byte payload limit the ids are left out, which means "look at every store".
 * `parseDesiredPayload` reads it back: `ids` null for every store. The origin lets a process skip its own
 * notifications, whose changes it has already been handed in memory.
 */
const PAYLOAD_MAX = 7800;
export function parseDesiredPayload(payload: string): { origin: string; ids: string[] | null } {
  const bar = payload.indexOf('|');
  const origin = bar < 0 ? '' : payload.slice(0, bar);
  const ids = bar < 0 ? payload : payload.slice(bar + 1);
  return { origin, ids: ids === '' ? null : ids.split(',') };
}

/**
 * Writes desired quantities, changing only rows whose value differs (one statement), and NOTIFYs the stores
 * whose rows changed, naming `origin` as the writer; the notification is delivered on commit. Returns the rows
 * that changed, with their new versions.
 */
export async function writeDesired(db: Db, supplierId: string, rows: readonly DesiredWrite[], at: string, origin = ''): Promise<DesiredChange[]> {
  if (rows.length === 0) return [];
  // Rows are written in listing-id order (the one lock order of `desired`), and the NOTIFY rides in the same
  // statement: one round trip. The scalar subquery runs once, and only when some row changed.
  const changed = await db.query<{
    listing_id: string; store_id: string; sku: string; desired: number; external_id: string; external_location_id: string | null;
    version: string; confirmed: number | null;
  }>(
    `with changed as (
       insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, external_id, external_location_id, version)
       select u.l, $1, u.s, u.k, u.q, $6::timestamptz, u.e, u.el, 1
       from unnest($2::text[], $3::text[], $4::text[], $5::int[], $8::text[], $9::text[]) u(l, s, k, q, e, el) order by u.l
       on conflict (listing_id) do update set desired = excluded.desired, desired_at = excluded.desired_at, version = desired.version + 1
       where desired.desired is distinct from excluded.desired
       returning listing_id, store_id, sku, desired, external_id, external_location_id, version, confirmed),
     notified as (
       select count(pg_notify($7, $10 || '|' || case when length(s) <= ${PAYLOAD_MAX} then s else '' end)) as n
       from (select string_agg(distinct store_id, ',') as s from changed) x where s is not null)
     select c.listing_id, c.store_id, c.sku, c.desired, c.external_id, c.external_location_id, c.version, c.confirmed from changed c, notified`,
    [supplierId, rows.map((r) => r.listingId), rows.map((r) => r.storeId), rows.map((r) => r.sku), rows.map((r) => r.desired), at, DESIRED_CHANNEL,
      rows.map((r) => r.externalId), rows.map((r) => r.externalLocationId), origin],
  );
  return changed.map((r) => ({
    listingId: r.listing_id, storeId: r.store_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id, desired: r.desired,
    version: Number(r.version), confirmed: r.confirmed, desiredAt: at,
  }));
}

/** Wakes the dispatchers of these stores (after rows were made dirty by drift). */
export async function notifyStores(db: Db, storeIds: readonly string[]): Promise<void> {
  const ids = [...new Set(storeIds)].join(',');
  if (ids) await db.query(`select pg_notify($1, $2)`, [DESIRED_CHANNEL, `|${ids.length <= PAYLOAD_MAX ? ids : ''}`]);
}

/**
 * Row-locks the next `limit` desired rows of a supplier (of `skus` only, unless null) after listing `after`, in
 * listing-id order, and returns the last listing id locked (null once there are no more). A transaction that
 * rewrites more desired rows than one statement takes locks them all this way first, so it holds them in the
 * one lock order of `desired` however its writes are grouped.
 */
export async function lockDesiredPage(db: Db, supplierId: string, skus: readonly string[] | null, after: string | null, limit: number): Promise<string | null> {
  const rows = await db.query<{ listing_id: string }>(
    `select listing_id from desired
     where supplier_id = $1 and ($2::text[] is null or sku = any($2::text[])) and ($3::text is null or listing_id > $3)
     order by listing_id limit $4 for update`,
    [supplierId, skus, after, limit],
  );
  return rows.length < limit ? null : rows.at(-1)?.listing_id ?? null;
}

/**
 * Row-locks desired rows in listing-id order. Every multi-row write to `desired` (recompute, confirm, drift)
 * takes its rows in this one order, so a dispatcher confirming and an ingest recomputing never deadlock.
 */
export async function lockDesiredRows(db: Db, listingIds: readonly string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(`select 1 from desired where listing_id = any($1::text[]) order by listing_id for update`, [[...new Set(listingIds)]]);
}

/** One SKU's desired rows: what each listing should show and what its store last confirmed. */
export async function desiredOfSku(db: Db, supplierId: string, sku: string): Promise<{ listing_id: string; desired: number; confirmed: number | null }[]> {
  return db.query(`select listing_id, desired, confirmed from desired where supplier_id = $1 and sku = $2`, [supplierId, sku]);
}
