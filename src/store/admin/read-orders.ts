/** Read-only views of orders, holds and conflicts for the API (the engine writes them). */
import { DropsyncError } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import { iso, isoOrNull, theRow } from './util.ts';

/**
 * Newest-first pages: ids are random, so the cursor is "<time>|<id>" of the last row and the next page holds
 * rows strictly before it in (time, id) order.
 */
export function timeCursor(at: string, id: string): string {
  return `${at}|${id}`;
}

function parseCursor(after: string | undefined): [string | null, string | null] {
  if (!after) return [null, null];
  const bar = after.lastIndexOf('|');
  const at = bar > 0 ? after.slice(0, bar) : '';
  if (bar <= 0 || !Number.isFinite(Date.parse(at))) throw new DropsyncError('invalid', 'is not a cursor from a previous page', 'after');
  return [at, after.slice(bar + 1)];
}

export type OrderStatus = 'accepted' | 'partial' | 'conflict' | 'fulfilled' | 'cancelled';
export type HoldStatus = 'active' | 'converted' | 'released' | 'expired';
export type ConflictStatus = 'pending' | 'done' | 'failed';

export interface OrderView {
  id: string; storeId: string | null; retailerId: string | null; platformOrderId: string; name: string | null; email: string | null;
  source: string; status: OrderStatus; holdId: string | null; placedAt: string; committedAt: string; updatedAt: string;
  lines: { lineNo: number; sku: string; quantity: number; accepted: number; short: number; unknownSku: boolean }[];
}

interface OrderDbRow {
  id: string; store_id: string | null; retailer_id: string | null; platform_order_id: string; name: string | null; email: string | null;
  source: string; status: OrderStatus; hold_id: string | null; placed_at: Date; committed_at: Date; updated_at: Date;
}
interface LineDbRow { order_id: string; line_no: number; sku: string; quantity: number; accepted: number; short: number; unknown_sku: boolean }

export async function listOrders(
  db: Db,
  supplierId: string,
  q: { storeId?: string; status?: string; retailerId?: string | null; after?: string; limit: number },
): Promise<OrderView[]> {
  const [afterAt, afterId] = parseCursor(q.after);
  const orders = await db.query<OrderDbRow>(
    `select * from orders where supplier_id = $1 and ($2::text is null or store_id = $2) and ($3::text is null or status = $3)
        and ($4::text is null or retailer_id = $4) and ($5::timestamptz is null or (committed_at, id) < ($5::timestamptz, $6::text))
      order by committed_at desc, id desc limit $7`,
    [supplierId, q.storeId ?? null, q.status ?? null, q.retailerId ?? null, afterAt, afterId, q.limit],
  );
  return withLines(db, orders);
}

export async function getOrder(db: Db, supplierId: string, id: string, retailerId?: string | null): Promise<OrderView> {
  const rows = await db.query<OrderDbRow>(
    `select * from orders where supplier_id = $1 and id = $2 and ($3::text is null or retailer_id = $3)`,
    [supplierId, id, retailerId ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no order "${id}"`, 'id');
  return theRow(await withLines(db, rows), 'an order with its lines');
}

async function withLines(db: Db, orders: OrderDbRow[]): Promise<OrderView[]> {
  if (orders.length === 0) return [];
  const lines = await db.query<LineDbRow>(
    `select * from order_lines where order_id = any($1::text[]) order by order_id, line_no`,
    [orders.map((o) => o.id)],
  );
  const byOrder = new Map<string, OrderView['lines']>();
  for (const l of lines) {
    let list = byOrder.get(l.order_id);
    if (!list) byOrder.set(l.order_id, (list = []));
    list.push({ lineNo: l.line_no, sku: l.sku, quantity: l.quantity, accepted: l.accepted, short: l.short, unknownSku: l.unknown_sku });
  }
  return orders.map((o) => ({
    id: o.id, storeId: o.store_id, retailerId: o.retailer_id, platformOrderId: o.platform_order_id, name: o.name, email: o.email,
    source: o.source, status: o.status, holdId: o.hold_id, placedAt: iso(o.placed_at), committedAt: iso(o.committed_at),
    updatedAt: iso(o.updated_at), lines: byOrder.get(o.id) ?? [],
  }));
}

export interface HoldRow {
  id: string; sku: string; storeId: string | null; quantity: number; createdAt: string; expiresAt: string; status: HoldStatus; orderId: string | null;
}
interface HoldDbRow {
  id: string; sku: string; store_id: string | null; quantity: number; created_at: Date; expires_at: Date; status: HoldStatus; order_id: string | null;
}
const toHold = (h: HoldDbRow): HoldRow => ({
  id: h.id, sku: h.sku, storeId: h.store_id, quantity: h.quantity, createdAt: iso(h.created_at), expiresAt: iso(h.expires_at),
  status: h.status, orderId: h.order_id,
});

export async function listHolds(db: Db, supplierId: string, q: { status?: string; sku?: string; after?: string; limit: number }): Promise<HoldRow[]> {
  const [afterAt, afterId] = parseCursor(q.after);
  const rows = await db.query<HoldDbRow>(
    `select * from holds where supplier_id = $1 and ($2::text is null or status = $2) and ($3::text is null or sku = $3)
        and ($4::timestamptz is null or (created_at, id) < ($4::timestamptz, $5::text)) order by created_at desc, id desc limit $6`,
    [supplierId, q.status ?? null, q.sku ?? null, afterAt, afterId, q.limit],
  );
  return rows.map(toHold);
}

export async function getHold(db: Db, supplierId: string, id: string): Promise<HoldRow> {
  const rows = await db.query<HoldDbRow>(`select * from holds where supplier_id = $1 and id = $2`, [supplierId, id]);
  if (!rows[0]) throw new DropsyncError('not_found', `no hold "${id}"`, 'id');
  return toHold(rows[0]);
}

export interface ConflictView {
  id: string; orderId: string; storeId: string | null; retailerId: string | null; sku: string; short: number; cost: number;
  action: string; status: ConflictStatus; detail: string | null; code: string | null; createdAt: string; resolvedAt: string | null;
}
interface ConflictDbRow {
  id: string; order_id: string; store_id: string | null; retailer_id: string | null; sku: string; short: number; cost: number | string;
  action: string; status: ConflictStatus; detail: string | null; code: string | null; created_at: Date; resolved_at: Date | null;
}
const toConflict = (c: ConflictDbRow): ConflictView => ({
  id: c.id, orderId: c.order_id, storeId: c.store_id, retailerId: c.retailer_id, sku: c.sku, short: c.short, cost: Number(c.cost),
  action: c.action, status: c.status, detail: c.detail, code: c.code, createdAt: iso(c.created_at), resolvedAt: isoOrNull(c.resolved_at),
});

export async function listConflicts(
  db: Db,
  supplierId: string,
  q: { status?: string; storeId?: string; retailerId?: string | null; after?: string; limit: number },
): Promise<{ items: ConflictView[]; totalCount: number; totalCost: number }> {
  const params = [supplierId, q.status ?? null, q.storeId ?? null, q.retailerId ?? null];
  const where = `supplier_id = $1 and ($2::text is null or status = $2) and ($3::text is null or store_id = $3) and ($4::text is null or retailer_id = $4)`;
  const [afterAt, afterId] = parseCursor(q.after);
  const rows = await db.query<ConflictDbRow>(
    `select * from conflicts where ${where} and ($5::timestamptz is null or (created_at, id) < ($5::timestamptz, $6::text))
      order by created_at desc, id desc limit $7`,
    [...params, afterAt, afterId, q.limit],
  );
  const totals = await db.query<{ n: number; cost: number | string | null }>(`select count(*)::int as n, sum(cost) as cost from conflicts where ${where}`, params);
  return { items: rows.map(toConflict), totalCount: totals[0]?.n ?? 0, totalCost: Number(totals[0]?.cost ?? 0) };
}

export async function getConflict(db: Db, supplierId: string, id: string, retailerId?: string | null): Promise<ConflictView> {
  const rows = await db.query<ConflictDbRow>(
    `select * from conflicts where supplier_id = $1 and id = $2 and ($3::text is null or retailer_id = $3)`,
    [supplierId, id, retailerId ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no conflict "${id}"`, 'id');
  return toConflict(rows[0]);
}

/** What a retailer is shown: per listing of its stores, the desired and last confirmed quantity. */
export async function listAllocations(db: Db, supplierId: string, retailerId: string): Promise<{
  storeId: string; listingId: string; sku: string; externalId: string; desired: number | null; confirmed: number | null; confirmedAt: string | null;
}[]> {
  const rows = await db.query<{
    store_id: string; listing_id: string; sku: string; external_id: string; desired: number | null; confirmed: number | null; confirmed_at: Date | null;
  }>(
    `select l.store_id, l.id as listing_id, l.sku, l.external_id, d.desired, d.confirmed, d.confirmed_at
       from listings l join stores s on s.id = l.store_id left join desired d on d.listing_id = l.id
      where l.supplier_id = $1 and s.retailer_id = $2 order by l.store_id, l.sku`,
    [supplierId, retailerId],
  );
  return rows.map((r) => ({
    storeId: r.store_id, listingId: r.listing_id, sku: r.sku, externalId: r.external_id, desired: r.desired, confirmed: r.confirmed,
    confirmedAt: isoOrNull(r.confirmed_at),
  }));
}
