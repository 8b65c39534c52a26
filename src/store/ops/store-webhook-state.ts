import type { Db } from '../types.ts';

/** The per-topic state of a store's webhook subscriptions, as last checked. */
export async function saveWebhookState(db: Db, storeId: string, state: unknown, at: string): Promise<void> {
  await db.query(`update stores set webhook_state = $2::jsonb, webhook_checked_at = $3::timestamptz where id = $1`, [storeId, JSON.stringify(state), at]);
}
