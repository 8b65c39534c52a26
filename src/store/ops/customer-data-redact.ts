import type { Db } from '../types.ts';

/**
 * Erases what dropsync holds about one customer of a store: the e-mail and name on its orders (matched by e-mail
 * or by the listed platform order ids) and the apology codes and details of their conflicts. Orders stay (their
 * quantities are the supplier's books); only the personal data goes. Returns the orders touched.
 */
export async function redactCustomerData(db: Db, storeId: string, email: string | null, platformOrderIds: readonly string[]): Promise<number> {
  return db.transaction(async (tx) => {
    const orders = await tx.query<{ id: string }>(
      `update orders set email = null, name = null
       where store_id = $1 and (($2::text is not null and lower(email) = lower($2)) or platform_order_id = any($3::text[]))
       returning id`,
      [storeId, email, platformOrderIds],
    );
    const ids = orders.map((o) => o.id);
    if (ids.length) await tx.query(`update conflicts set code = null, detail = 'redacted (customer data erased on request)' where order_id = any($1::text[])`, [ids]);
    return ids.length;
  });
}
