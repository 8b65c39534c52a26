import type { Db } from '../types.ts';

/**
 * Erases what dropsync holds about a shop's customers and the shop's access: every order's e-mail and name, the
 * apology codes and details of its conflicts, and the store's credentials. Returns the orders touched.
 */
export async function redactShopData(db: Db, storeId: string): Promise<number> {
  return db.transaction(async (tx) => {
    const orders = await tx.query<{ id: string }>(`update orders set email = null, name = null where store_id = $1 returning id`, [storeId]);
    await tx.query(`update conflicts set code = null, detail = 'redacted (shop data erased on request)' where store_id = $1`, [storeId]);
    await tx.query(
      `update stores set credentials = null, paused = true, access_status = 'uninstalled', access_reason = coalesce(access_reason, 'shop data erased (shop/redact)')
       where id = $1`,
      [storeId],
    );
    return orders.length;
  });
}
