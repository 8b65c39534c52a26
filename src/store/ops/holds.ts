import type { Db } from '../types.ts';

export interface HoldRow {
  id: string; supplier_id: string; sku: string; store_id: string | null; quantity: number;
  expires_at: string; status: 'active' | 'converted' | 'released' | 'expired';
}
const cols = `id, supplier_id, sku, store_id, quantity, expires_at::text as expires_at, status`;

export async function insertHold(db: Db, h: Omit<HoldRow, 'status'>, at: string): Promise<void> {
  await db.query(
    `insert into holds (id, supplier_id, sku, store_id, quantity, created_at, expires_at, status)
     values ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, 'active')`,
    [h.id, h.supplier_id, h.sku, h.store_id, h.quantity, at, h.expires_at],
  );
}

/** A hold as it is now, without a lock (to learn which SKU to lock first: SKUs, then holds, is the one lock order). */
export async function readHold(db: Db, supplierId: string, holdId: string): Promise<HoldRow | undefined> {
  const rows = await db.query<HoldRow>(`select ${cols} from holds where id = $1 and supplier_id = $2`, [holdId, supplierId]);
  return rows[0];
}

export async function lockHold(db: Db, supplierId: string, holdId: string): Promise<HoldRow | undefined> {
  const rows = await db.query<HoldRow>(`select ${cols} from holds where id = $1 and supplier_id = $2 for update`, [holdId, supplierId]);
  return rows[0];
}

export async function setHoldStatus(db: Db, ids: readonly string[], status: HoldRow['status'], orderId: string | null = null): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`update holds set status = $2, order_id = coalesce($3, order_id) where id = any($1::text[])`, [ids, status, orderId]);
}

/** Active holds past their expiry, without a lock (their SKUs are locked first, then claimExpiredHolds). */
export async function findExpiredHolds(db: Db, now: string, limit: number): Promise<HoldRow[]> {
  return db.query<HoldRow>(
    `select ${cols} from holds where status = 'active' and expires_at <= $1::timestamptz order by supplier_id, sku limit $2`,
    [now, limit],
  );
}

/** Claims these holds if still active and past their expiry (skip locked, so two sweepers never take the same hold). */
export async function claimExpiredHolds(db: Db, ids: readonly string[], now: string): Promise<HoldRow[]> {
  if (ids.length === 0) return [];
  return db.query<HoldRow>(
    `select ${cols} from holds where id = any($1::text[]) and status = 'active' and expires_at <= $2::timestamptz
     order by supplier_id, sku for update skip locked`,
    [ids, now],
  );
}
