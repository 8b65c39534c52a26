/** Orders: WooCommerce's order JSON to RemoteOrder, and catching up by `modified_after` with a cursor. */
import type { OrdersPage, RemoteOrder } from '../types.ts';
import type { WooClient } from './client.ts';
import { DROPSYNC_CANCEL_META } from './types.ts';

export interface WooOrderJson {
  id: number;
  number?: string;
  status: string;
  date_created_gmt?: string;
  date_modified_gmt?: string;
  billing?: { email?: string };
  line_items?: Array<{ product_id?: number; variation_id?: number; sku?: string | null; quantity?: number }>;
  meta_data?: Array<{ key?: string; value?: unknown }>;
}

const CANCELLED = new Set(['cancelled', 'refunded', 'failed']);
/** Orders modified in the cursor's own second are fetched again: WooCommerce compares to the second. */
const OVERLAP_MS = 1_000;
/** At most this many pages per call; the cursor carries on from there next time. */
const MAX_PAGES = 20;

/** WooCommerce `*_gmt` dates have no zone suffix. */
export function gmtToIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toRemoteOrder(o: WooOrderJson): RemoteOrder {
  const created = gmtToIso(o.date_created_gmt) ?? new Date(0).toISOString();
  const updated = gmtToIso(o.date_modified_gmt);
  return {
    platformOrderId: String(o.id),
    name: `#${o.number ?? o.id}`,
    email: o.billing?.email || null,
    createdAt: created,
    ...(updated ? { updatedAt: updated } : {}),
    status: CANCELLED.has(o.status) ? 'cancelled' : 'open',
    lines: (o.line_items ?? []).map((l) => ({
      sku: l.sku || null,
      quantity: l.quantity ?? 0,
      externalId: l.variation_id ? `variation:${l.product_id}:${l.variation_id}` : `product:${l.product_id}`,
    })),
  };
}

/** The order was cancelled by dropsync's own compensation (its meta carries the conflict id). */
export function isOwnCancellation(o: WooOrderJson): boolean {
  return CANCELLED.has(o.status) && (o.meta_data ?? []).some((m) => m.key === DROPSYNC_CANCEL_META && m.value);
}

export async function fetchOrders(client: WooClient, cursor: string | null, windowStartMs: number): Promise<OrdersPage> {
  const sinceMs = cursor ? Date.parse(cursor) - OVERLAP_MS : windowStartMs;
  const since = new Date(sinceMs).toISOString().slice(0, 19);
  const orders: RemoteOrder[] = [];
  let newest = cursor;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await client.get<WooOrderJson[]>('orders', {
      modified_after: since,
      dates_are_gmt: 'true',
      orderby: 'modified',
      order: 'asc',
      per_page: 100,
      page,
    });
    for (const o of res.body) {
      const remote = toRemoteOrder(o);
      orders.push(remote);
      const mod = remote.updatedAt ?? remote.createdAt;
      if (!newest || mod > newest) newest = mod;
    }
    const totalPages = Number(res.headers.get('x-wp-totalpages') ?? '1');
    if (page >= totalPages || res.body.length === 0) break;
  }
  return { orders, cursor: newest };
}
