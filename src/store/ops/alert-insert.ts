import { randomUUID } from 'node:crypto';
import type { Db } from '../types.ts';

export interface AlertInput {
  supplierId: string;
  storeId: string | null;
  /** e.g. store_access_lost, store_uninstalled, customer_data_request. */
  kind: string;
  message: string;
  detail?: Record<string, unknown>;
}

/** Records an alert for later delivery (webhooks, e-mail); returns its id. */
export async function insertAlert(db: Db, alert: AlertInput, at: string): Promise<string> {
  const id = `alr_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await db.query(
    `insert into alerts (id, supplier_id, store_id, kind, message, detail, created_at) values ($1, $2, $3, $4, $5, $6::jsonb, $7::timestamptz)`,
    [id, alert.supplierId, alert.storeId, alert.kind, alert.message, alert.detail ? JSON.stringify(alert.detail) : null, at],
  );
  return id;
}
