/**
 * The WooCommerce connector: config `{ baseUrl, timeoutMs?, concurrency?, orderHistoryMs? }`, credentials
 * `{ consumerKey, consumerSecret, webhookSecret }`.
 */
import { invalid } from '../../domain/errors.ts';
import type { Connector, ConnectorDeps, PushItem, PushResult, StoreConnection } from '../types.ts';
import { toDropsyncError, WooClient } from './client.ts';
import { compensate } from './compensate.ts';
import { readLevels } from './levels.ts';
import { fetchOrders } from './orders.ts';
import { pushItems, WOO_MAX_BATCH } from './push.ts';

/** Where polling starts for a store never polled before. */
const DEFAULT_ORDER_HISTORY_MS = 24 * 3600_000;

function requiredString(source: Record<string, unknown>, key: string, field: string): string {
  const v = source[key];
  if (typeof v !== 'string' || v === '') throw invalid(field, 'is required');
  return v;
}

function optionalNumber(source: Record<string, unknown>, key: string): number | undefined {
  const v = source[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

async function boundary<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toDropsyncError(err);
  }
}

export interface WooConnector extends Connector {
  /** Requests sent so far (figures, tests). */
  readonly calls: number;
}

export function createWooConnector(store: StoreConnection, deps: ConnectorDeps): WooConnector {
  const baseUrl = requiredString(store.config, 'baseUrl', 'config.baseUrl');
  if (!/^https?:\/\//.test(baseUrl)) throw invalid('config.baseUrl', 'must start with http:// or https://');
  const timeoutMs = optionalNumber(store.config, 'timeoutMs');
  const client = new WooClient({
    baseUrl,
    consumerKey: requiredString(store.credentials, 'consumerKey', 'credentials.consumerKey'),
    consumerSecret: requiredString(store.credentials, 'consumerSecret', 'credentials.consumerSecret'),
    clock: deps.clock,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const concurrency = optionalNumber(store.config, 'concurrency') ?? 2;
  const historyMs = optionalNumber(store.config, 'orderHistoryMs') ?? DEFAULT_ORDER_HISTORY_MS;
  /** The host asked us to wait until then (epoch ms). */
  let notBefore = 0;

  const levelsMap = async (ids: string[]) => new Map((await readLevels(client, ids)).map((r) => [r.externalId, r.quantity]));

  return {
    platform: 'woocommerce',
    maxBatch: WOO_MAX_BATCH,
    get calls() {
      return client.calls;
    },
    async push(items: PushItem[]): Promise<PushResult> {
      const result = await pushItems(client, items, { concurrency, readBack: levelsMap });
      if (result.retryAfterMs !== undefined) notBefore = Math.max(notBefore, deps.clock.now() + result.retryAfterMs);
      return result;
    },
    readLevels: (externalIds) => boundary(() => readLevels(client, externalIds)),
    fetchOrders: async (cursor) => {
      if (cursor !== null && Number.isNaN(Date.parse(cursor))) throw invalid('cursor', `"${cursor}" is not an ISO 8601 date`);
      return boundary(() => fetchOrders(client, cursor, deps.clock.now() - historyMs));
    },
    compensate: (conflict) => boundary(() => compensate(client, conflict)),
    rateLimit: () => ({ waitMs: Math.max(0, notBefore - deps.clock.now()) }),
  };
}
