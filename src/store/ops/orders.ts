import type { Db } from '../types.ts';

export interface StoreOwner {
  supplier_id: string;
  retailer_id: string;
  conflict_action: 'cancel' | 'backorder' | 'notify';
  oversell_cost: number;
  discount_value: number;
}

/** The store's supplier and its retailer's conflict settings. */
export async function loadStoreOwner(db: Db, storeId: string): Promise<StoreOwner | undefined> {
  const rows = await db.query<StoreOwner>(
    `select s.supplier_id, s.retailer_id, r.conflict_action, r.oversell_cost::float as oversell_cost, r.discount_value::float as discount_value
     from stores s join retailers r on r.id = s.retailer_id where s.id = $1`,
    [storeId],
  );
  return rows[0];
}

export interface NewOrder {
  id: string; supplierId: string; storeId: string | null; retailerId: string | null; platformOrderId: string;
  name: string | null; email: string | null; source: string; holdId: string | null; placedAt: string; at: string;
}

/** Inserts the order unless (supplier, store, platform order id) exists; true when inserted. Concurrent twins wait and lose. */
export async function insertOrderIfNew(db: Db, o: NewOrder): Promise<boolean> {
  const rows = await db.query(
    `insert into orders (id, supplier_id, store_id, retailer_id, platform_order_id, name, email, source, status, hold_id, placed_at, committed_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'accepted', $9, $10::timestamptz, $11::timestamptz, $11::timestamptz)
     on conflict (supplier_id, (coalesce(store_id, '')), platform_order_id) do nothing returning id`,
    [o.id, o.supplierId, o.storeId, o.retailerId, o.platformOrderId, o.name, o.email, o.source, o.holdId, o.placedAt, o.at],
  );
  return rows.length > 0;
}

export interface OrderRow {
  id: string; supplier_id: string; store_id: string | null; retailer_id: string | null; platform_order_id: string;
  name: string | null; email: string | null; status: string; source: string;
}
export interface OrderLineRow { line_no: number; sku: string; quantity: number; accepted: number; short: number; unknown_sku: boolean }

export async function findOrderByPlatformId(db: Db, supplierId: string, storeId: string | null, platformOrderId: string): Promise<OrderRow | undefined> {
  const rows = await db.query<OrderRow>(
    `select id, supplier_id, store_id, retailer_id, platform_order_id, name, email, status, source from orders
     where supplier_id = $1 and coalesce(store_id, '') = coalesce($2, '') and platform_order_id = $3`,
    [supplierId, storeId, platformOrderId],
  );
  return rows[0];
}

/** Loads (and, with lock, row-locks) one order of a supplier. */
export async function loadOrder(db: Db, supplierId: string, orderId: string, lock = false): Promise<OrderRow | undefined> {
  const rows = await db.query<OrderRow>(
    `select id, supplier_id, store_id, retailer_id, platform_order_id, name, email, status, source from orders
     where id = $1 and supplier_id = $2 ${lock ? 'for update' : ''}`,
    [orderId, supplierId],
  );
  return rows[0];
}

export async function loadOrderLines(db: Db, orderId: string): Promise<OrderLineRow[]> {
  return db.query<OrderLineRow>(
    `select line_no, sku, quantity, accepted, short, unknown_sku from order_lines where order_id = $1 order by line_no`, [orderId],
  );
}

export async function insertOrderLines(db: Db, supplierId: string, orderId: string, lines: readonly OrderLineRow[]): Promise<void> {
  if (lines.length === 0) return;
  await db.query(
    `insert into order_lines (order_id, line_no, supplier_id, sku, quantity, accepted, short, unknown_sku)
     select $1, u.n, $2, u.s, u.q, u.a, u.sh, u.un from unnest($3::int[], $4::text[], $5::int[], $6::int[], $7::int[], $8::bool[]) u(n, s, q, a, sh, un)`,
    [orderId, supplierId, lines.map((l) => l.line_no), lines.map((l) => l.sku), lines.map((l) => l.quantity),
      lines.map((l) => l.accepted), lines.map((l) => l.short), lines.map((l) => l.unknown_sku)],
  );
}

export async function setOrderStatus(db: Db, orderId: string, status: string, at: string): Promise<void> {
  await db.query(`update orders set status = $2, updated_at = $3::timestamptz where id = $1`, [orderId, status, at]);
}

export interface NewConflict { id: string; sku: string; short: number }

/** Records the conflicts of one order, pending compensation due at once. */
export async function insertConflicts(
  db: Db, supplierId: string, orderId: string, storeId: string | null, retailerId: string | null,
  cost: number, action: string, rows: readonly NewConflict[], at: string,
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into conflicts (id, supplier_id, order_id, store_id, retailer_id, sku, short, cost, action, status, next_attempt_at, created_at)
     select u.i, $1, $2, $3, $4, u.s, u.n, $5, $6, 'pending', $9::timestamptz, $9::timestamptz
     from unnest($7::text[], $8::text[], $10::int[]) u(i, s, n)`,
    [supplierId, orderId, storeId, retailerId, cost, action, rows.map((r) => r.id), rows.map((r) => r.sku), at, rows.map((r) => r.short)],
  );
}

export async function conflictIdsOfOrder(db: Db, orderId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`select id from conflicts where order_id = $1 order by id`, [orderId]);
  return rows.map((r) => r.id);
}
