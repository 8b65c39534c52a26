/** What a webhook route needs about a store (by id alone: webhook URLs do not name the supplier). */
import type { Platform } from '../../connectors/types.ts';
import type { Db } from '../types.ts';

export interface WebhookStore { id: string; supplierId: string; platform: Platform; sealedCredentials: string | null }

export async function getWebhookStore(db: Db, storeId: string): Promise<WebhookStore | null> {
  const rows = await db.query<{ id: string; supplier_id: string; platform: Platform; credentials: string | null }>(
    `select id, supplier_id, platform, credentials from stores where id = $1`,
    [storeId],
  );
  const r = rows[0];
  return r ? { id: r.id, supplierId: r.supplier_id, platform: r.platform, sealedCredentials: r.credentials } : null;
}

/** Un-records a delivery whose processing failed, so the platform's retry is processed rather than ignored. */
export async function forgetDelivery(db: Db, storeId: string, key: string): Promise<void> {
  await db.query(`delete from webhook_deliveries where store_id = $1 and delivery_key = $2`, [storeId, key]);
}
