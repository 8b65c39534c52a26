import type { Db } from '../types.ts';

export interface CustomerOrderRow { id: string; platform_order_id: string; name: string | null; email: string | null; status: string; placed_at: string }

/** What dropsync holds about one customer of a store (by e-mail or platform order ids), for a data request. */
export async function findCustomerOrders(db: Db, storeId: string, email: string | null, platformOrderIds: readonly string[]): Promise<CustomerOrderRow[]> {
  return db.query<CustomerOrderRow>(
    `select id, platform_order_id, name, email, status, placed_at::text as placed_at from orders
     where store_id = $1 and (($2::text is not null and lower(email) = lower($2)) or platform_order_id = any($3::text[]))
     order by placed_at`,
    [storeId, email, platformOrderIds],
  );
}
