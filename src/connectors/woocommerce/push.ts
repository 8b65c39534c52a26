/**
 * Push: simple products go to `products/batch`, variations to their parent's `variations/batch`, 100 items a
 * call at most. Every item is verified against the quantity the store reports back; a different number means
 * another writer got in between, reported with `actual` and retryable so the engine writes again.
 */
import type { PushItem, PushItemResult, PushResult } from '../types.ts';
import { parseExternalId, WooHttpError, type WooClient } from './client.ts';

export const WOO_MAX_BATCH = 100;
/** Back-off when a host says 429/503 without Retry-After. */
export const DEFAULT_BACKOFF_MS = 5_000;

interface Chunk {
  path: string;
  items: Array<{ item: PushItem; id: number }>;
}

interface Slot {
  id?: number;
  stock_quantity?: number | null;
  manage_stock?: boolean;
  error?: { code?: string; message?: string; data?: { status?: number } };
}

/** Groups items into the fewest calls: one group per endpoint, cut at `maxBatch`. */
export function planBatches(items: PushItem[], maxBatch = WOO_MAX_BATCH): { chunks: Chunk[]; invalid: PushItem[] } {
  const groups = new Map<string, Chunk['items']>();
  const invalid: PushItem[] = [];
  for (const item of items) {
    const ref = parseExternalId(item.externalId);
    if (!ref) {
      invalid.push(item);
      continue;
    }
    const path = ref.kind === 'product' ? 'products/batch' : `products/${ref.parentId}/variations/batch`;
    const list = groups.get(path) ?? [];
    list.push({ item, id: ref.id });
    groups.set(path, list);
  }
  const chunks: Chunk[] = [];
  for (const [path, list] of groups) {
    for (let i = 0; i < list.length; i += maxBatch) chunks.push({ path, items: list.slice(i, i + maxBatch) });
  }
  return { chunks, invalid };
}

function verify(item: PushItem, slot: Slot | undefined): PushItemResult | null {
  const listingId = item.listingId;
  if (!slot || typeof slot !== 'object') return null;
  if (slot.error) {
    const status = slot.error.data?.status ?? 400;
    const code = slot.error.code ?? 'error';
    return { listingId, ok: false, error: `${code}: ${slot.error.message ?? ''}`.trim(), retryable: status >= 500 || status === 429 };
  }
  if (slot.manage_stock === false) {
    return { listingId, ok: false, error: 'store ignored stock_quantity: stock management is off (store-wide setting?)', retryable: false };
  }
  if (typeof slot.stock_quantity !== 'number') return null;
  if (slot.stock_quantity === item.quantity) return { listingId, ok: true, quantity: item.quantity };
  return { listingId, ok: false, error: `read-back shows ${slot.stock_quantity}, wrote ${item.quantity}`, retryable: true, actual: slot.stock_quantity };
}

export interface PushOptions {
  maxBatch?: number;
  concurrency?: number;
  /** Reads current levels of items whose batch answer could not confirm them. */
  readBack: (externalIds: string[]) => Promise<Map<string, number>>;
}

export async function pushItems(client: WooClient, items: PushItem[], opts: PushOptions): Promise<PushResult> {
  const results = new Map<PushItem, PushItemResult>();
  const { chunks, invalid } = planBatches(items, opts.maxBatch);
  for (const item of invalid) {
    results.set(item, { listingId: item.listingId, ok: false, error: `bad externalId ${item.externalId}`, retryable: false });
  }
  let retryAfterMs: number | undefined;
  const unverified: PushItem[] = [];
  const queue = [...chunks];

  const runChunk = async (chunk: Chunk): Promise<void> => {
    const body = { update: chunk.items.map(({ item, id }) => ({ id, manage_stock: true, stock_quantity: item.quantity })) };
    try {
      const res = await client.post<{ update?: Slot[] }>(chunk.path, body);
      chunk.items.forEach(({ item }, i) => {
        const r = verify(item, res.body.update?.[i]);
        if (r) results.set(item, r);
        else unverified.push(item);
      });
    } catch (err) {
      const e = err instanceof WooHttpError ? err : new WooHttpError(0, 'error', String(err));
      if (e.status === 429 || e.status === 503) {
        retryAfterMs = Math.max(retryAfterMs ?? 0, e.retryAfterMs ?? DEFAULT_BACKOFF_MS);
        queue.length = 0; // the host asked to slow down: do not send the rest now
      }
      for (const { item } of chunk.items) {
        results.set(item, { listingId: item.listingId, ok: false, error: `${e.code}: ${e.message}`, retryable: e.retryable || e.status === 413 });
      }
    }
  };

  const worker = async () => {
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) await runChunk(chunk);
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));

  if (unverified.length > 0) {
    try {
      const levels = await opts.readBack(unverified.map((i) => i.externalId));
      for (const item of unverified) {
        const actual = levels.get(item.externalId);
        results.set(
          item,
          actual === item.quantity
            ? { listingId: item.listingId, ok: true, quantity: item.quantity }
            : { listingId: item.listingId, ok: false, error: `read-back shows ${actual ?? 'nothing'}, wrote ${item.quantity}`, retryable: true, ...(actual !== undefined ? { actual } : {}) },
        );
      }
    } catch (err) {
      for (const item of unverified) results.set(item, { listingId: item.listingId, ok: false, error: `read-back failed: ${String(err)}`, retryable: true });
    }
  }
  const notSent = (item: PushItem): PushItemResult => ({ listingId: item.listingId, ok: false, error: 'not sent: the store asked to slow down', retryable: true });
  const out: PushResult = { items: items.map((i) => results.get(i) ?? notSent(i)) };
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  return out;
}
