import type { Db } from '../types.ts';

/** Who a store or an order belongs to (neither ever changes owner), for routing live events to sessions. */
export interface Owner {
  supplierId: string;
  retailerId: string | null;
}

export async function storeOwner(db: Db, storeId: string): Promise<Owner | null> {
  const r = (await db.query<{ supplier_id: string; retailer_id: string }>(`select supplier_id, retailer_id from stores where id = $1`, [storeId]))[0];
  return r ? { supplierId: r.supplier_id, retailerId: r.retailer_id } : null;
}

export async function orderOwner(db: Db, orderId: string): Promise<Owner | null> {
  const r = (await db.query<{ supplier_id: string; retailer_id: string | null }>(`select supplier_id, retailer_id from orders where id = $1`, [orderId]))[0];
  return r ? { supplierId: r.supplier_id, retailerId: r.retailer_id } : null;
}
