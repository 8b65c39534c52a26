/**
 * The `http` connector, for custom storefronts and ERPs: every call is a POST of signed JSON to `config.url`.
 *   headers: X-Dropsync-Signature: sha256=<hex HMAC-SHA256 of the raw body under credentials.secret>,
 *            X-Dropsync-Timestamp: <ms since epoch>, X-Dropsync-Store: <store id>
 *   push:       {type:"push", storeId, items:[{listingId, sku, externalId, externalLocationId, quantity, lastConfirmed}]}
 *               -> 2xx {results:[{listingId, ok, quantity?, error?, actual?}]}  (items without a result failed)
 *   levels:     {type:"levels", externalIds?} -> {levels:[{externalId, quantity}]}
 *   orders:     {type:"orders", cursor}       -> {orders:[RemoteOrder], cursor}
 *   compensate: {type:"compensate", conflict} -> {cancelled, code?, detail}
 * 429/503 with Retry-After (seconds) slows the store down; other non-2xx answers fail the call.
 */
import { createHmac } from 'node:crypto';
import type {
  CompensationResult, ConflictInfo, Connector, ConnectorDeps, LevelReading, OrdersPage, PushItem, PushItemResult,
  PushResult, RateLimitState, StoreConnection,
} from '../types.ts';

export const SIGNATURE_HEADER = 'x-dropsync-signature';
export const TIMESTAMP_HEADER = 'x-dropsync-timestamp';

/** The signature header value for a raw body. */
export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

class RetryLater extends Error {
  constructor(readonly ms: number, status: number) { super(`http ${status}: retry after ${ms} ms`); }
}

export function createHttpConnector(store: StoreConnection, deps: ConnectorDeps): Connector {
  const url = String(store.config.url ?? '');
  const secret = store.credentials.secret ?? store.credentials.webhookSecret ?? '';
  const timeoutMs = typeof store.config.timeoutMs === 'number' ? store.config.timeoutMs : 10_000;
  const doFetch = deps.fetch ?? fetch;
  let blockedUntil = 0;

  async function call<T>(body: Record<string, unknown>): Promise<T> {
    if (!url) throw new Error('http connector: config.url is not set');
    const raw = JSON.stringify({ ...body, storeId: store.storeId });
    const res = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signBody(secret, raw),
        [TIMESTAMP_HEADER]: String(deps.clock.now()),
        'x-dropsync-store': store.storeId,
      },
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status === 429 || res.status === 503) {
      const after = Number(res.headers.get('retry-after'));
      const ms = Number.isFinite(after) && after >= 0 ? after * 1000 : 1000;
      blockedUntil = deps.clock.now() + ms;
      await res.body?.cancel();
      throw new RetryLater(ms, res.status);
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel();
      throw new Error(`http ${res.status}`);
    }
    return (await res.json()) as T;
  }

  return {
    platform: 'http',
    maxBatch: typeof store.config.maxBatch === 'number' ? store.config.maxBatch : 100,
    async push(items: PushItem[]): Promise<PushResult> {
      let answer: { results?: { listingId: string; ok: boolean; quantity?: number; error?: string; actual?: number }[] };
      try {
        answer = await call({ type: 'push', items });
      } catch (err) {
        if (err instanceof RetryLater) {
          return { retryAfterMs: err.ms, items: items.map((i) => ({ listingId: i.listingId, ok: false, error: err.message, retryable: true })) };
        }
        throw err;
      }
      const byId = new Map((answer.results ?? []).map((r) => [r.listingId, r]));
      return {
        items: items.map((i): PushItemResult => {
          const r = byId.get(i.listingId);
          if (!r) return { listingId: i.listingId, ok: false, error: 'no result for item', retryable: true };
          if (r.ok) return { listingId: i.listingId, ok: true, quantity: typeof r.quantity === 'number' ? r.quantity : i.quantity };
          return {
            listingId: i.listingId, ok: false, error: r.error ?? 'failed', retryable: true,
            ...(typeof r.actual === 'number' ? { actual: r.actual } : {}),
          };
        }),
      };
    },
    async readLevels(externalIds?: string[]): Promise<LevelReading[]> {
      const a = await call<{ levels?: LevelReading[] }>({ type: 'levels', ...(externalIds ? { externalIds } : {}) });
      return a.levels ?? [];
    },
    async fetchOrders(cursor: string | null): Promise<OrdersPage> {
      const a = await call<Partial<OrdersPage>>({ type: 'orders', cursor });
      return { orders: a.orders ?? [], cursor: a.cursor ?? cursor };
    },
    async compensate(conflict: ConflictInfo): Promise<CompensationResult> {
      const a = await call<Partial<CompensationResult>>({ type: 'compensate', conflict });
      return { cancelled: a.cancelled === true, ...(a.code ? { code: a.code } : {}), detail: a.detail ?? 'sent to http endpoint' };
    },
    rateLimit(): RateLimitState {
      return { waitMs: Math.max(0, blockedUntil - deps.clock.now()) };
    },
  };
}
