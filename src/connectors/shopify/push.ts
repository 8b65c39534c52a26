/**
 * Push: inventorySetQuantities (name `available`, reason `correction`), 250 entries a call,
 * changeFromQuantity = lastConfirmed (explicit null when never pushed), one idempotency key per batch derived
 * from its content so a retry of the same batch reuses it.
 *
 * CHANGE_FROM_QUANTITY_STALE: Shopify writes nothing in that call. We read the levels of the stale entries,
 * report each one that really moved as `{ok:false, error:'stale', retryable:true, actual}` (the engine records
 * the drift and pushes again with lastConfirmed = actual), and resend the rest of the batch once at once
 * under a new key (its content differs), so one retailer edit does not hold up 249 other SKUs.
 *
 * Idempotency keys: hash(batch content + a salt). The salt is kept, per content, until Shopify gives a definite
 * answer, so a retry of an unanswered batch (timeout, lost answer, 5xx, throttled) reuses the key and cannot
 * write twice. Once answered, the salt is dropped: the same content pushed later is a new operation (the store
 * may have moved back in between) and must not be answered from Shopify's idempotency cache. After a restart
 * the salt is gone too; a double write is then harmless, because changeFromQuantity no longer matches.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { PushItem, PushItemResult, PushResult } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import { SET_QUANTITIES, SET_QUANTITIES_COST } from './documents.ts';
import { readLevelsById } from './levels.ts';

export const MAX_BATCH = 250;
/** Unanswered batches remembered for key reuse; beyond this the oldest are forgotten. */
const MAX_PENDING_KEYS = 10_000;

interface SetPayload {
  inventorySetQuantities: {
    inventoryAdjustmentGroup: { id: string } | null;
    userErrors: { code: string | null; field: string[] | null; message: string }[];
  } | null;
}

interface Entry {
  item: PushItem;
  locationId: string;
  changeFrom: number | null;
}

function contentHash(entries: Entry[]): string {
  const content = JSON.stringify(entries.map((e) => [e.item.externalId, e.locationId, e.item.quantity, e.changeFrom]));
  return createHash('sha256').update(content).digest('hex');
}

/** A UUID-shaped key (version 4 / variant bits set) from a content hash and a salt. */
export function idempotencyKey(content: string, salt: string): string {
  const h = createHash('sha256').update(`${content}|${salt}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Per connector: the salt of each batch content still waiting for a definite answer. */
export class KeyBook {
  private readonly pending = new Map<string, string>();

  keyFor(content: string): string {
    let salt = this.pending.get(content);
    if (salt === undefined) {
      salt = randomUUID();
      this.pending.set(content, salt);
      if (this.pending.size > MAX_PENDING_KEYS) this.pending.delete(this.pending.keys().next().value!);
    }
    return idempotencyKey(content, salt);
  }

  /** Shopify answered for this content: the next identical push is a new operation. */
  settle(content: string): void {
    this.pending.delete(content);
  }
}

export async function pushQuantities(client: ShopifyClient, keys: KeyBook, defaultLocationId: string, items: PushItem[]): Promise<PushResult> {
  const results = new Map<string, PushItemResult>();
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const locationId = item.externalLocationId ?? defaultLocationId;
    if (!/^gid:\/\/shopify\/InventoryItem\/\d+$/.test(item.externalId)) {
      results.set(item.listingId, { listingId: item.listingId, ok: false, error: 'externalId is not an InventoryItem gid', retryable: false });
      continue;
    }
    const pair = `${item.externalId}|${locationId}`;
    if (seen.has(pair)) {
      // Shopify rejects a whole call with a repeated pair; the later one waits for the next push.
      results.set(item.listingId, { listingId: item.listingId, ok: false, error: 'duplicate item in one push', retryable: true });
      continue;
    }
    seen.add(pair);
    entries.push({ item, locationId, changeFrom: item.lastConfirmed });
  }
  let retryAfterMs: number | undefined;
  for (let i = 0; i < entries.length; i += MAX_BATCH) {
    const batch = entries.slice(i, i + MAX_BATCH);
    if (retryAfterMs !== undefined) {
      for (const e of batch) results.set(e.item.listingId, throttled(e));
      continue;
    }
    const wait = await sendBatch(client, keys, batch, results, true);
    if (wait !== undefined) retryAfterMs = wait;
  }
  return {
    items: items.map((it) => results.get(it.listingId) ?? { listingId: it.listingId, ok: false, error: 'not sent', retryable: true }),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

const throttled = (e: Entry): PushItemResult => ({ listingId: e.item.listingId, ok: false, error: 'throttled', retryable: true });

/** Sends one batch; returns the wait when throttled. */
async function sendBatch(client: ShopifyClient, keys: KeyBook, batch: Entry[], results: Map<string, PushItemResult>, mayResend: boolean): Promise<number | undefined> {
  const content = contentHash(batch);
  const variables = {
    key: keys.keyFor(content),
    input: {
      name: 'available',
      reason: 'correction',
      quantities: batch.map((e) => ({
        inventoryItemId: e.item.externalId,
        locationId: e.locationId,
        quantity: e.item.quantity,
        changeFromQuantity: e.changeFrom,
      })),
    },
  };
  let res;
  try {
    res = await client.call<SetPayload>(SET_QUANTITIES, variables, SET_QUANTITIES_COST, 'nowait');
  } catch (err) {
    const retryable = !(err instanceof Error && 'kind' in err && (err as { kind: string }).kind === 'unauthorized');
    for (const e of batch) results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: (err as Error).message, retryable });
    return undefined;
  }
  if (res.kind === 'throttled') {
    for (const e of batch) results.set(e.item.listingId, throttled(e));
    return res.retryAfterMs;
  }
  const payload = res.data.inventorySetQuantities;
  // A payload (success or user errors) is Shopify's definite answer for this key.
  if (payload) keys.settle(content);
  if (!payload) {
    const message = res.errors.map((e) => e.message).join('; ') || 'no payload';
    for (const e of batch) results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: message, retryable: true });
    return undefined;
  }
  if (payload.userErrors.length === 0) {
    for (const e of batch) results.set(e.item.listingId, { listingId: e.item.listingId, ok: true, quantity: e.item.quantity });
    return undefined;
  }
  // Nothing was written. Sort entries into hard errors, stale compares, and innocent bystanders.
  const byIndex = new Map<number, { code: string; message: string }>();
  const general: string[] = [];
  for (const ue of payload.userErrors) {
    const idx = ue.field?.[0] === 'input' && ue.field[1] === 'quantities' ? Number(ue.field[2]) : NaN;
    if (Number.isInteger(idx)) byIndex.set(idx, { code: ue.code ?? 'ERROR', message: ue.message });
    else general.push(`${ue.code ?? 'ERROR'}: ${ue.message}`);
  }
  if (general.length > 0) {
    for (const e of batch) results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: general.join('; '), retryable: false });
    return undefined;
  }
  const stale: Entry[] = [];
  const resend: Entry[] = [];
  batch.forEach((e, idx) => {
    const err = byIndex.get(idx);
    if (!err) resend.push(e);
    else if (err.code === 'CHANGE_FROM_QUANTITY_STALE') stale.push(e);
    else results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: `${err.code}: ${err.message}`, retryable: false });
  });
  if (stale.length > 0) {
    const actual = new Map<string, number>();
    for (const locationId of new Set(stale.map((e) => e.locationId))) {
      try {
        const ids = stale.filter((e) => e.locationId === locationId).map((e) => e.item.externalId);
        const readings = await readLevelsById(client, ids, locationId, 'nowait');
        if (readings !== 'throttled') for (const r of readings) actual.set(`${r.externalId}|${locationId}`, r.quantity);
      } catch {
        // Without a reading the engine still retries; it just cannot record the drift yet.
      }
    }
    for (const e of stale) {
      const now = actual.get(`${e.item.externalId}|${e.locationId}`);
      if (now !== undefined && now === e.item.quantity) {
        results.set(e.item.listingId, { listingId: e.item.listingId, ok: true, quantity: now });
      } else if (now !== undefined && now === e.changeFrom && mayResend) {
        resend.push(e); // moved and moved back: our compare value is right again
      } else {
        results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: 'stale', retryable: true, ...(now !== undefined ? { actual: now } : {}) });
      }
    }
  }
  if (resend.length === 0) return undefined;
  if (!mayResend) {
    for (const e of resend) results.set(e.item.listingId, { listingId: e.item.listingId, ok: false, error: 'batch rejected', retryable: true });
    return undefined;
  }
  return sendBatch(client, keys, resend, results, false);
}
