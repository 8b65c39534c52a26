/**
 * Shopify webhooks: HMAC check over the raw body and parsing of the topics dropsync receives: the ones it
 * subscribes on each store (orders, fulfilments, refunds, levels, app/uninstalled) and the mandatory compliance topics
 * Shopify sends to the app's configured URL (customers/data_request, customers/redact, shop/redact).
 * Order ids are gids (`admin_graphql_api_id`), the same ids polling returns, so the engine deduplicates
 * across both paths.
 * Headers: classic webhooks carry `X-Shopify-*`; Shopify's newer "events" deliveries carry the same names without
 * the `X-` prefix (`shopify-hmac-sha256`, `shopify-event-id`, ...); both are read.
 */
import { invalid } from '../../domain/errors.ts';
import { verifyHmacSha256Base64 } from '../../security/hmac.ts';
import type { RemoteOrder } from '../types.ts';
import { fulfilmentFromRest, orderFromRest, refundFromRest } from './order-state.ts';
import { parseLevelChange } from './source.ts';
import type { ShopifyWebhookEvent } from './types.ts';

export { SHOPIFY_SUBSCRIBED_TOPICS as SHOPIFY_WEBHOOK_TOPICS } from './subscriptions.ts';

export const SHOPIFY_COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;

/** Order topics: each body is a REST Order with its lines' state, fulfilments and refunds. */
const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/cancelled', 'orders/fulfilled', 'orders/partially_fulfilled']);

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: Headers, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const h = headers as Record<string, string | string[] | undefined>;
  const v = h[name.toLowerCase()] ?? Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(v) ? v[0] : v;
}

/** `X-Shopify-<name>`, or the events form `shopify-<name>`. */
function shopifyHeader(headers: Headers, name: string): string | undefined {
  return header(headers, `x-shopify-${name}`) ?? header(headers, `shopify-${name}`);
}

/** True when X-Shopify-Hmac-Sha256 is base64(HMAC-SHA256(raw body, secret)); compared in constant time. */
export function verifyShopifyWebhook(rawBody: Buffer, headers: Headers, secret: string): boolean {
  return verifyHmacSha256Base64(rawBody, shopifyHeader(headers, 'hmac-sha256'), secret);
}

/** Ids to deduplicate deliveries by; Shopify's pages disagree on which, so both are kept. */
export function shopifyWebhookDedupeKeys(headers: Headers): {
  topic: string | null; webhookId: string | null; eventId: string | null; triggeredAt: string | null; shopDomain: string | null;
} {
  return {
    topic: shopifyHeader(headers, 'topic') ?? null,
    webhookId: shopifyHeader(headers, 'webhook-id') ?? null,
    eventId: shopifyHeader(headers, 'event-id') ?? null,
    triggeredAt: shopifyHeader(headers, 'triggered-at') ?? null,
    shopDomain: shopifyHeader(headers, 'shop-domain') ?? null,
  };
}

/** The key a delivery is deduplicated by: the event id (stable across retries), else the webhook id, else null. */
export function shopifyDeliveryKey(headers: Headers): string | null {
  const ids = shopifyWebhookDedupeKeys(headers);
  return ids.eventId ? `event:${ids.eventId}` : ids.webhookId ? `webhook:${ids.webhookId}` : null;
}

const idList = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(field, 'must be an array');
  return v.map((x) => String(x));
};

export function parseShopifyWebhook(topic: string, body: unknown): ShopifyWebhookEvent {
  const b = (body ?? {}) as Record<string, unknown>;
  if (ORDER_TOPICS.has(topic)) {
    const order = orderFromRest(b);
    if (topic === 'orders/cancelled' || order.status === 'cancelled') return { kind: 'order_cancelled', order: { ...order, status: 'cancelled' } };
    return { kind: 'order', order };
  }
  if (topic === 'fulfillments/create' || topic === 'fulfillments/update') {
    return { kind: 'fulfillment', topic, orderId: b.order_id !== undefined ? `gid://shopify/Order/${String(b.order_id)}` : null, fulfilment: fulfilmentFromRest(b) };
  }
  if (topic === 'refunds/create') {
    return { kind: 'fulfillment', topic, orderId: b.order_id !== undefined ? `gid://shopify/Order/${String(b.order_id)}` : null, refund: refundFromRest(b) };
  }
  if (topic === 'app/uninstalled') return { kind: 'uninstalled', shopDomain: typeof b.myshopify_domain === 'string' ? b.myshopify_domain : null };
  if (topic === 'customers/data_request' || topic === 'customers/redact') {
    const c = (b.customer ?? {}) as Record<string, unknown>;
    if (typeof b.shop_domain !== 'string') throw invalid('shop_domain', 'missing');
    const customer = {
      id: c.id === undefined || c.id === null ? null : `gid://shopify/Customer/${String(c.id)}`,
      email: typeof c.email === 'string' && c.email !== '' ? c.email : null,
      phone: typeof c.phone === 'string' && c.phone !== '' ? c.phone : null,
    };
    const orders = idList(topic === 'customers/redact' ? b.orders_to_redact : b.orders_requested, topic === 'customers/redact' ? 'orders_to_redact' : 'orders_requested')
      .map((id) => `gid://shopify/Order/${id}`);
    if (topic === 'customers/redact') return { kind: 'customer_redact', shopDomain: b.shop_domain, customer, orderIds: orders };
    const req = (b.data_request ?? {}) as Record<string, unknown>;
    return { kind: 'customer_data_request', shopDomain: b.shop_domain, customer, orderIds: orders, requestId: req.id === undefined ? null : String(req.id) };
  }
  if (topic === 'shop/redact') {
    if (typeof b.shop_domain !== 'string') throw invalid('shop_domain', 'missing');
    return { kind: 'shop_redact', shopDomain: b.shop_domain };
  }
  if (topic === 'inventory_levels/update') {
    const change = parseLevelChange(b);
    return { kind: 'level', externalId: change.externalId, externalLocationId: change.externalLocationId, quantity: change.available, updatedAt: change.updatedAt };
  }
  throw invalid('topic', `unsupported Shopify webhook topic ${topic}`);
}
