import type { Db } from '../types.ts';

export interface StoreRow {
  id: string; supplier_id: string; retailer_id: string; platform: string; config: Record<string, unknown>; credentials: string | null;
  paused: boolean; health: 'healthy' | 'degraded' | 'unhealthy'; failures: number; last_push_at: string | null; last_error: string | null;
  circuit_open_until: string | null; next_attempt_at: string | null; orders_cursor: string | null; last_reconcile_at: string | null;
  webhooks_seen: number; orders_by_poll: number;
}

export async function loadStore(db: Db, storeId: string): Promise<StoreRow | undefined> {
  const rows = await db.query<StoreRow>(
    `select id, supplier_id, retailer_id, platform, config, credentials, paused, health, failures, last_push_at::text as last_push_at,
            last_error, circuit_open_until::text as circuit_open_until, next_attempt_at::text as next_attempt_at, orders_cursor,
            last_reconcile_at::text as last_reconcile_at, webhooks_seen, orders_by_poll
     from stores where id = $1`,
    [storeId],
  );
  return rows[0];
}

/** Seconds between reconciliations from webhook health: unreliable webhooks -> every minute; healthy -> rarely. */
export const RECONCILE_INTERVAL_SQL = `(case
  when orders_by_poll > 0 and orders_by_poll * 20 >= webhooks_seen + orders_by_poll then 60
  when webhooks_seen + orders_by_poll = 0 then 300
  else 900 end)`;

export function reconcileIntervalSeconds(webhooksSeen: number, ordersByPoll: number): number {
  if (ordersByPoll > 0 && ordersByPoll * 20 >= webhooksSeen + ordersByPoll) return 60;
  if (webhooksSeen + ordersByPoll === 0) return 300;
  return 900;
}

/** Claims stores whose reconciliation is due, stamping last_reconcile_at so other processes skip them. */
export async function claimReconcileDue(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `update stores s set last_reconcile_at = $1::timestamptz where s.id in (
       select id from stores where not paused
         and (last_reconcile_at is null or last_reconcile_at + make_interval(secs => ${RECONCILE_INTERVAL_SQL}) <= $1::timestamptz)
       order by last_reconcile_at nulls first limit $2 for update skip locked)
     returning s.id`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

export async function finishReconcile(db: Db, storeId: string, cursor: string | null, newOrders: number, at: string): Promise<void> {
  await db.query(
    `update stores set orders_cursor = $2, orders_by_poll = orders_by_poll + $3, last_reconcile_at = $4::timestamptz where id = $1`,
    [storeId, cursor, newOrders, at],
  );
}

export async function countWebhook(db: Db, storeId: string): Promise<void> {
  await db.query(`update stores set webhooks_seen = webhooks_seen + 1 where id = $1`, [storeId]);
}

export interface StoreListingRow { listing_id: string; external_id: string; sku: string; desired: number | null; confirmed: number | null }

export async function loadStoreListings(db: Db, storeId: string, externalIds?: readonly string[]): Promise<StoreListingRow[]> {
  return db.query<StoreListingRow>(
    `select l.id as listing_id, l.external_id, l.sku, d.desired, d.confirmed from listings l left join desired d on d.listing_id = l.id
     where l.store_id = $1 ${externalIds ? 'and l.external_id = any($2::text[])' : ''}`,
    externalIds ? [storeId, externalIds] : [storeId],
  );
}

/**
 * The store's real levels become the confirmed values (rows whose desired differs turn dirty). A row that turns
 * dirty this way needs a push from now on, so its lag is counted from now, not from its last desired change, and
 * its version moves on: a store run that already pushed the desired value must see the row as new work.
 */
export async function setConfirmed(db: Db, rows: readonly { listingId: string; quantity: number }[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `update desired d set confirmed = u.q, confirmed_at = $3::timestamptz, version = d.version + 1,
       desired_at = case when d.confirmed is not distinct from d.desired and u.q is distinct from d.desired then $3::timestamptz else d.desired_at end
     from unnest($1::text[], $2::int[]) u(id, q) where d.listing_id = u.id`,
    [rows.map((r) => r.listingId), rows.map((r) => r.quantity), at],
  );
}

/** True the first time a delivery key is seen for a store; replays get false. */
export async function recordDelivery(db: Db, storeId: string, key: string, at: string): Promise<boolean> {
  const rows = await db.query(
    `insert into webhook_deliveries (store_id, delivery_key, received_at) values ($1, $2, $3::timestamptz) on conflict do nothing returning store_id`,
    [storeId, key, at],
  );
  return rows.length > 0;
}

export interface LagStats { p50: number | null; p99: number | null }

export async function lagStats(db: Db, storeId: string, since: string): Promise<LagStats> {
  const rows = await db.query<{ p50: number | null; p99: number | null }>(
    `select percentile_cont(0.5) within group (order by lag_ms)::float as p50, percentile_cont(0.99) within group (order by lag_ms)::float as p99
     from push_lag where store_id = $1 and at >= $2::timestamptz`,
    [storeId, since],
  );
  return { p50: rows[0]?.p50 ?? null, p99: rows[0]?.p99 ?? null };
}

export async function prunePushLag(db: Db, before: string): Promise<void> {
  await db.query(`delete from push_lag where at < $1::timestamptz`, [before]);
}
