import type { Db } from '../types.ts';
import { pollIntervalMs, WEBHOOK_WINDOW_MS } from '../../connectors/webhook-health.ts';
import { lagPercentilesSql } from './lag.ts';

export interface StoreRow {
  id: string; supplier_id: string; retailer_id: string; platform: string; config: Record<string, unknown>; credentials: string | null;
  paused: boolean; health: 'healthy' | 'degraded' | 'unhealthy'; failures: number; last_push_at: string | null; last_error: string | null;
  circuit_open_until: string | null; next_attempt_at: string | null; orders_cursor: string | null; last_reconcile_at: string | null;
  webhooks_seen: number; orders_by_poll: number; next_reconcile_at: string | null; levels_read_at: string | null;
}

/**
 * A store row. `webhooks_seen` and `orders_by_poll` are its webhook health over the sliding window as of its
 * last reconciliation (plus the deliveries since), not counts since the store was created.
 */
export async function loadStore(db: Db, storeId: string): Promise<StoreRow | undefined> {
  const rows = await db.query<StoreRow>(
    `select id, supplier_id, retailer_id, platform, config, credentials, paused, health, failures, last_push_at::text as last_push_at,
            last_error, circuit_open_until::text as circuit_open_until, next_attempt_at::text as next_attempt_at, orders_cursor,
            last_reconcile_at::text as last_reconcile_at, webhooks_seen, orders_by_poll,
            next_reconcile_at::text as next_reconcile_at, levels_read_at::text as levels_read_at
     from stores where id = $1`,
    [storeId],
  );
  return rows[0];
}

/** SQL of a store's webhook health over the window ending at `nowExpr`: `seen`, `missed`. */
function windowSql(storeExpr: string, nowExpr: string): string {
  return `select sum(h.seen) as seen, sum(h.missed) as missed from webhook_health h
          where h.store_id = ${storeExpr} and h.hour > ${nowExpr} - make_interval(secs => ${WEBHOOK_WINDOW_MS / 1000})`;
}

/** Seconds between reconciliations from webhook health over the window (see webhook-health.ts). */
export function reconcileIntervalSeconds(webhooksSeen: number, ordersByPoll: number): number {
  return pollIntervalMs({ deliveriesSeen: webhooksSeen, ordersFoundByPolling: ordersByPoll }) / 1000;
}

/**
 * Claims up to `limit` stores whose reconciliation is due at `now`, pushing their next turn out to `leaseUntil`
 * so other processes skip them while this one reconciles (finishReconcile sets the real next turn). It waits for
 * a row that is locked at that moment (a push being confirmed) instead of skipping it, so no turn is missed, and
 * the due test is checked again under the row lock, so two processes never both take one turn.
 */
export async function claimReconcileDue(db: Db, now: string, leaseUntil: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const due = `not paused and (next_reconcile_at is null or next_reconcile_at <= $1::timestamptz)`;
  const rows = await db.query<{ id: string }>(
    `update stores s set next_reconcile_at = $2::timestamptz
     where s.id in (select id from stores where ${due} order by next_reconcile_at nulls first, id limit $3) and ${due.replace(/next_reconcile_at/g, 's.next_reconcile_at').replace('not paused', 'not s.paused')}
     returning s.id`,
    [now, leaseUntil, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Records a finished reconciliation: the orders cursor, the orders polling found (webhook health), and the next
 * turn, `at` plus the interval the store's webhook health over the window now gives. Returns that interval (ms).
 */
export async function finishReconcile(db: Db, storeId: string, cursor: string | null, newOrders: number, at: string, levelsRead: boolean): Promise<number> {
  if (newOrders > 0) await addWebhookHealth(db, storeId, at, 0, newOrders);
  const w = (await db.query<{ seen: number | null; missed: number | null }>(windowSql('$1', '$2::timestamptz'), [storeId, at]))[0];
  const interval = pollIntervalMs({ deliveriesSeen: Number(w?.seen ?? 0), ordersFoundByPolling: Number(w?.missed ?? 0) });
  await db.query(
    `update stores set orders_cursor = $2, last_reconcile_at = $3::timestamptz, next_reconcile_at = $3::timestamptz + make_interval(secs => $4 / 1000.0),
       levels_read_at = case when $5 then $3::timestamptz else levels_read_at end,
       webhooks_seen = $6, orders_by_poll = $7
     where id = $1`,
    [storeId, cursor, at, interval, levelsRead, Number(w?.seen ?? 0), Number(w?.missed ?? 0)],
  );
  return interval;
}

/** An order delivered by webhook, counted in the store's webhook health. */
export async function countWebhook(db: Db, storeId: string, at: string): Promise<void> {
  await addWebhookHealth(db, storeId, at, 1, 0);
  await db.query(`update stores set webhooks_seen = webhooks_seen + 1 where id = $1`, [storeId]);
}

async function addWebhookHealth(db: Db, storeId: string, at: string, seen: number, missed: number): Promise<void> {
  await db.query(
    `insert into webhook_health (store_id, hour, seen, missed) values ($1, date_trunc('hour', $2::timestamptz), $3, $4)
     on conflict (store_id, hour) do update set seen = webhook_health.seen + excluded.seen, missed = webhook_health.missed + excluded.missed`,
    [storeId, at, seen, missed],
  );
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

/** A store's lag p50/p99 (ms) since `since`, from its histograms. */
export async function lagStats(db: Db, storeId: string, since: string): Promise<LagStats> {
  const rows = await db.query<{ p50: number | null; p99: number | null }>(lagPercentilesSql('$1', '$2::timestamptz'), [storeId, since]);
  return { p50: rows[0]?.p50 ?? null, p99: rows[0]?.p99 ?? null };
}

/** Deletes push_log and drift lines, lag histograms and webhook health older than their retention. */
export async function pruneLogs(db: Db, before: { pushLogBefore: string; driftBefore: string; lagBefore: string; webhookBefore: string }): Promise<void> {
  await db.query(
    `with a as (delete from push_log where at < $1::timestamptz returning 1),
          b as (delete from drift where at < $2::timestamptz returning 1),
          c as (delete from push_lag_minute where minute < $3::timestamptz returning 1),
          d as (delete from webhook_health where hour < $4::timestamptz returning 1)
     select 1`,
    [before.pushLogBefore, before.driftBefore, before.lagBefore, before.webhookBefore],
  );
}
