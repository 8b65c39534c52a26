import type { Db } from '../types.ts';

/** What the top bar calls the signed-in principal: the retailer's name, else the supplier's. */
export async function principalName(db: Db, supplierId: string, retailerId: string | null): Promise<string | null> {
  const rows = await db.query<{ name: string }>(
    `select coalesce((select name from retailers where id = $2 and supplier_id = $1), (select name from suppliers where id = $1)) as name`,
    [supplierId, retailerId],
  );
  return rows[0]?.name ?? null;
}
