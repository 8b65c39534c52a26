/** Webhook deliveries are processed once: what a delivery answers, and the replay protection every platform uses. */
import { forgetDelivery } from '../store/admin/index.ts';
import type { Db } from '../store/types.ts';
import type { AppEngine } from './unit.ts';

export interface WebhookAck { status: 'processed' | 'duplicate' | 'ignored'; detail: string }

/**
 * Records the delivery under its keys and runs `work`; a delivery seen before under any key is a duplicate and
 * does nothing. When `work` fails the keys are un-recorded, so the platform's retry gets processed.
 */
export async function processOnce(
  deps: { db: Db; engine: Pick<AppEngine, 'recordDelivery'> }, storeId: string, keys: readonly string[], work: () => Promise<string>,
): Promise<WebhookAck> {
  const fresh: string[] = [];
  let replay = false;
  for (const key of keys) {
    if (await deps.engine.recordDelivery(storeId, key)) fresh.push(key);
    else replay = true;
  }
  if (replay) return { status: 'duplicate', detail: 'delivery already processed' };
  try {
    return { status: 'processed', detail: await work() };
  } catch (err) {
    for (const key of fresh) await forgetDelivery(deps.db, storeId, key);
    throw err;
  }
}
