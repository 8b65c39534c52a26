/**
 * Shopify webhooks: HMAC check over the raw body and parsing of the three topics dropsync subscribes to.
 * Order ids are gids (`admin_graphql_api_id`), the same ids polling returns, so the engine deduplicates
 * across both paths.
 */
import { invalid } from '../../domain/errors.ts';
import { verifyHmacSha256Base64 } from '../../security/hmac.ts';
import type { RemoteOrder } from '../types.ts';
import type { ShopifyWebhookEvent } from './types.ts';

export const SHOPIFY_WEBHOOK_TOPICS = ['orders/create', 'orders/cancelled', 'inventory_levels/update'] as const;

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: Headers, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const h = headers as Record<string, string | string[] | undefined>;
  const v = h[name.toLowerCase()] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/** True when X-Shopify-Hmac-Sha256 is base64(HMAC-SHA256(raw body, secret)); compared in constant time. */
export function verifyShopifyWebhook(rawBody: Buffer, headers: Headers, secret: string): boolean {
  return verifyHmacSha256Base64(rawBody, header(headers, 'x-shopify-hmac-sha256'), secret);
}

/** Ids to deduplicate deliveries by; Shopify's pages disagree on which, so both are kept. */
export function shopifyWebhookDedupeKeys(headers: Headers): { topic: string | null; webhookId: string | null; eventId: string | null; triggeredAt: string | null } {
  return {
    topic: header(headers, 'x-shopify-topic') ?? null,
    webhookId: header(headers, 'x-shopify-webhook-id') ?? null,
    eventId: header(headers, 'x-shopify-event-id') ?? null,
    triggeredAt: header(headers, 'x-shopify-triggered-at') ?? null,
  };
}

export function parseShopifyWebhook(topic: string, body: unknown): ShopifyWebhookEvent {
  const b = (body ?? {}) as Record<string, unknown>;
  if (topic === 'orders/create' || topic === 'orders/cancelled') {
    const order = restOrder(b);
    return topic === 'orders/create' ? { kind: 'order', order } : { kind: 'order_cancelled', order: { ...order, status: 'cancelled' } };
  }
  if (topic === 'inventory_levels/update') {
    const item = b.inventory_item_id;
    const loc = b.location_id;
    if ((typeof item !== 'number' && typeof item !== 'string') || !/^\d+$/.test(String(item))) throw invalid('inventory_item_id', 'missing');
    if (typeof b.available !== 'number' || !Number.isInteger(b.available)) throw invalid('available', 'must be an integer');
    return {
      kind: 'level',
      externalId: `gid://shopify/InventoryItem/${item}`,
      externalLocationId: `gid://shopify/Location/${String(loc)}`,
      quantity: b.available,
    };
  }
  throw invalid('topic', `unsupported Shopify webhook topic ${topic}`);
}

function restOrder(b: Record<string, unknown>): RemoteOrder {
  const id = typeof b.admin_graphql_api_id === 'string' ? b.admin_graphql_api_id : b.id !== undefined ? `gid://shopify/Order/${String(b.id)}` : null;
  if (!id) throw invalid('id', 'order id missing');
  if (typeof b.created_at !== 'string') throw invalid('created_at', 'missing');
  if (!Array.isArray(b.line_items)) throw invalid('line_items', 'must be an array');
  const order: RemoteOrder = {
    platformOrderId: id,
    createdAt: b.created_at,
    status: b.cancelled_at ? 'cancelled' : 'open',
    email: typeof b.email === 'string' ? b.email : null,
    lines: b.line_items.map((raw, i) => {
      const l = raw as Record<string, unknown>;
      if (typeof l.quantity !== 'number' || !Number.isInteger(l.quantity)) throw invalid(`line_items[${i}].quantity`, 'must be an integer');
      return { sku: typeof l.sku === 'string' && l.sku !== '' ? l.sku : null, quantity: l.quantity };
    }),
  };
  if (typeof b.name === 'string') order.name = b.name;
  if (typeof b.updated_at === 'string') order.updatedAt = b.updated_at;
  return order;
}
