import type { Db } from '../types.ts';

export interface ConflictRow {
  id: string;
  order_id: string;
  store_id: string | null;
  store_name: string | null;
  retailer_id: string | null;
  retailer_name: string | null;
  sku: string;
  short: number;
  cost: string;
  action: string;
  status: string;
  detail: string | null;
  code: string | null;
  created_at: string;
  resolved_at: string | null;
  order_name: string | null;
  platform_order_id: string;
  email: string | null;
  order_status: string;
}

export async function listConflicts(db: Db, supplierId: string, retailerId: string | null, limit: number): Promise<ConflictRow[]> {
  return db.query<ConflictRow>(
    `select c.id, c.order_id, c.store_id, s.name as store_name, c.retailer_id, r.name as retailer_name, c.sku, c.short,
            c.cost::text as cost, c.action, c.status, c.detail, c.code, c.created_at, c.resolved_at,
            o.name as order_name, o.platform_order_id, o.email, o.status as order_status
       from conflicts c
       join orders o on o.id = c.order_id
       left join stores s on s.id = c.store_id
       left join retailers r on r.id = c.retailer_id
      where c.supplier_id = $1 and ($2::text is null or c.retailer_id = $2)
      order by c.created_at desc, c.id
      limit $3`,
    [supplierId, retailerId, limit],
  );
}

export interface OrderLineRow {
  order_id: string;
  line_no: number;
  sku: string;
  quantity: number;
  accepted: number;
  short: number;
  unknown_sku: boolean;
}

/** The orders of a conflict's SKU around it: the losing order and every accepted order for the same SKU. */
export async function conflictOrders(db: Db, supplierId: string, conflictId: string, retailerId: string | null) {
  const orders = await db.query<{
    id: string; name: string | null; platform_order_id: string; store_name: string | null; retailer_name: string | null;
    status: string; committed_at: string; source: string; quantity: number; accepted: number; short: number; losing: boolean;
  }>(
    `select o.id, o.name, o.platform_order_id, s.name as store_name, r.name as retailer_name, o.status, o.committed_at,
            o.source, ol.quantity, ol.accepted, ol.short, (o.id = c.order_id) as losing
       from conflicts c
       join order_lines ol on ol.supplier_id = c.supplier_id and ol.sku = c.sku
       join orders o on o.id = ol.order_id
       left join stores s on s.id = o.store_id
       left join retailers r on r.id = o.retailer_id
      where c.supplier_id = $1 and c.id = $2 and ($3::text is null or c.retailer_id = $3)
        and o.committed_at between c.created_at - interval '1 day' and c.created_at + interval '1 minute'
        and ($3::text is null or o.retailer_id = $3)
      order by o.committed_at, o.id
      limit 50`,
    [supplierId, conflictId, retailerId],
  );
  return orders;
}

export interface MonthTotals {
  oversells: number;
  units: number;
  cost: number;
}

export async function conflictTotals(db: Db, supplierId: string, retailerId: string | null, since: string): Promise<MonthTotals> {
  const rows = await db.query<{ oversells: number; units: number; cost: string | null }>(
    `select count(*)::int as oversells, coalesce(sum(short), 0)::int as units, coalesce(sum(cost), 0)::text as cost
       from conflicts where supplier_id = $1 and ($2::text is null or retailer_id = $2) and created_at >= $3::timestamptz`,
    [supplierId, retailerId, since],
  );
  const r = rows[0];
  return { oversells: r?.oversells ?? 0, units: r?.units ?? 0, cost: Number(r?.cost ?? 0) };
}
