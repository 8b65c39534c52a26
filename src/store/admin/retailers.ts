import { DropsyncError } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import type { ConflictAction, Retailer, RetailerInput } from './types.ts';
import { isUniqueViolation, iso, newId, theRow } from './util.ts';

interface RetailerDbRow {
  id: string; name: string; conflict_action: ConflictAction; discount_value: number | string; oversell_cost: number | string; created_at: Date;
}

const toRetailer = (r: RetailerDbRow): Retailer => ({
  id: r.id, name: r.name, conflictAction: r.conflict_action, discountValue: Number(r.discount_value),
  oversellCost: Number(r.oversell_cost), createdAt: iso(r.created_at),
});

export async function listRetailers(db: Db, supplierId: string, onlyId?: string | null): Promise<Retailer[]> {
  const rows = await db.query<RetailerDbRow>(
    `select * from retailers where supplier_id = $1 and ($2::text is null or id = $2) order by created_at, id`,
    [supplierId, onlyId ?? null],
  );
  return rows.map(toRetailer);
}

export async function getRetailer(db: Db, supplierId: string, id: string): Promise<Retailer> {
  const rows = await db.query<RetailerDbRow>(`select * from retailers where supplier_id = $1 and id = $2`, [supplierId, id]);
  if (!rows[0]) throw new DropsyncError('not_found', `no retailer "${id}"`, 'id');
  return toRetailer(rows[0]);
}

export async function createRetailer(db: Db, supplierId: string, input: RetailerInput & { id?: string }, at: Date): Promise<Retailer> {
  try {
    const rows = await db.query<RetailerDbRow>(
      `insert into retailers (id, supplier_id, name, conflict_action, discount_value, oversell_cost, created_at)
       values ($1, $2, $3, coalesce($4, 'cancel'), coalesce($5, 10), coalesce($6, 20), $7) returning *`,
      [input.id ?? newId('ret'), supplierId, input.name, input.conflictAction ?? null, input.discountValue ?? null, input.oversellCost ?? null, at],
    );
    return toRetailer(theRow(rows, 'insert into retailers'));
  } catch (err) {
    if (isUniqueViolation(err)) throw new DropsyncError('conflict', `retailer "${input.id}" already exists`, 'id');
    throw err;
  }
}

export async function updateRetailer(db: Db, supplierId: string, id: string, patch: Partial<RetailerInput>): Promise<Retailer> {
  const rows = await db.query<RetailerDbRow>(
    `update retailers set name = coalesce($3, name), conflict_action = coalesce($4, conflict_action),
            discount_value = coalesce($5, discount_value), oversell_cost = coalesce($6, oversell_cost)
      where supplier_id = $1 and id = $2 returning *`,
    [supplierId, id, patch.name ?? null, patch.conflictAction ?? null, patch.discountValue ?? null, patch.oversellCost ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no retailer "${id}"`, 'id');
  return toRetailer(rows[0]);
}

/** A retailer with stores cannot be deleted (their orders and listings hang off it); its tokens go with it. */
export async function deleteRetailer(db: Db, supplierId: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await getRetailer(tx, supplierId, id);
    const stores = await tx.query(`select 1 from stores where retailer_id = $1 limit 1`, [id]);
    if (stores.length > 0) throw new DropsyncError('conflict', `retailer "${id}" still has stores; delete or keep them paused`, 'id');
    await tx.query(`delete from retailer_rules where retailer_id = $1`, [id]);
    await tx.query(`delete from api_keys where retailer_id = $1`, [id]);
    await tx.query(`delete from retailers where id = $1`, [id]);
  });
}
