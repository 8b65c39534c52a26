import type { Db } from '../types.ts';

export interface AlertRow { id: string; store_id: string | null; kind: string; message: string; detail: Record<string, unknown> | null; created_at: string }

/** A supplier's recorded alerts, newest first (optionally of one store). */
export async function listAlerts(db: Db, supplierId: string, storeId?: string): Promise<AlertRow[]> {
  return db.query<AlertRow>(
    `select id, store_id, kind, message, detail, created_at::text as created_at from alerts
     where supplier_id = $1 and ($2::text is null or store_id = $2) order by created_at desc, id`,
    [supplierId, storeId ?? null],
  );
}
