/**
 * Webhook subscriptions of one store: created with `uri` (HTTPS only: Shopify removed plain-http webhooks in 2019),
 * and checked again periodically, because Shopify deletes a subscription whose deliveries kept failing through all
 * of its retries. `ensureSubscriptions` lists this app's subscriptions to the store's URI and re-creates the
 * missing topics; its result is the per-topic state shown for the store.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { ShopifyClient } from './client.ts';
import { WEBHOOK_CREATE, WEBHOOK_CREATE_COST, WEBHOOK_LIST, WEBHOOK_LIST_COST } from './documents.ts';

/**
 * Topics dropsync subscribes on a retailer's store: orders (new, changed, cancelled), fulfilments, refunds, levels,
 * and the app's own uninstall. orders/updated also fires on every fulfilment and refund, so orders/fulfilled and
 * orders/partially_fulfilled (parsed when they come) are not subscribed. The compliance topics
 * (customers/data_request, customers/redact, shop/redact) cannot be subscribed through the API: they are set in
 * the app's configuration in the Dev Dashboard.
 */
export const SHOPIFY_SUBSCRIBED_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'refunds/create',
  'inventory_levels/update',
  'app/uninstalled',
] as const;

/**
 * Topics of a source store (the supplier's own): its levels, the fulfilments (with tracking) of the orders
 * forwarded into it and their changes, and the uninstall.
 */
export const SHOPIFY_SOURCE_TOPICS = [
  'inventory_levels/update',
  'orders/updated',
  'orders/cancelled',
  'fulfillments/create',
  'fulfillments/update',
  'app/uninstalled',
] as const;

export interface SubscriptionState {
  topic: string;
  /** present: Shopify has it; created: it was missing (or new) and was made now; failed: it could not be made. */
  status: 'present' | 'created' | 'failed';
  id?: string;
  error?: string;
}

export const enumTopic = (topic: string) => topic.toUpperCase().replace('/', '_');
/** The enum back to the topic; `orders/partially_fulfilled`'s action has an underscore of its own. */
const topicOf = (e: string) => (e === 'ORDERS_PARTIALLY_FULFILLED' ? 'orders/partially_fulfilled' : e.toLowerCase().replace(/_([^_]*)$/, '/$1'));

/** Refuses a callback Shopify would refuse, before anything is sent; `allowHttp` is for a local emulator only. */
export function checkCallbackUri(uri: string, allowHttp = false): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new DropsyncError('invalid', `webhook address ${JSON.stringify(uri)} is not a URL; set DROPSYNC_PUBLIC_URL to dropsync's public https:// address`, 'webhookCallbackUrl');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowHttp) return;
  throw new DropsyncError(
    'invalid',
    `Shopify only delivers webhooks to https:// addresses, and ${url.origin} is not one: set DROPSYNC_PUBLIC_URL to dropsync's public https:// address`,
    'webhookCallbackUrl',
  );
}

async function create(client: ShopifyClient, topic: string, uri: string): Promise<SubscriptionState> {
  const res = await client.call<{ webhookSubscriptionCreate: { webhookSubscription: { id: string } | null; userErrors: { message: string }[] } | null }>(
    WEBHOOK_CREATE,
    { topic: enumTopic(topic), uri },
    WEBHOOK_CREATE_COST,
    'wait',
  );
  if (res.kind === 'throttled') return { topic, status: 'failed', error: 'throttled' };
  const payload = res.data.webhookSubscriptionCreate;
  if (payload?.webhookSubscription) return { topic, status: 'created', id: payload.webhookSubscription.id };
  const message = payload?.userErrors.map((e) => e.message).join('; ') || res.errors.map((e) => e.message).join('; ') || 'no payload';
  // Made meanwhile by another process: what we want.
  if (/already been taken/i.test(message)) return { topic, status: 'present' };
  return { topic, status: 'failed', error: message };
}

/** Lists the subscriptions to `uri` and creates every topic that is missing. */
export async function ensureSubscriptions(
  client: ShopifyClient,
  uri: string,
  opts: { allowHttp?: boolean; topics?: readonly string[] } = {},
): Promise<SubscriptionState[]> {
  checkCallbackUri(uri, opts.allowHttp);
  const topics = opts.topics ?? SHOPIFY_SUBSCRIBED_TOPICS;
  const res = await client.call<{ webhookSubscriptions: { nodes: { id: string; topic: string; uri: string }[] } }>(
    WEBHOOK_LIST,
    { uri },
    WEBHOOK_LIST_COST,
    'wait',
  );
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the subscription list');
  const have = new Map(res.data.webhookSubscriptions.nodes.filter((n) => n.uri === uri).map((n) => [topicOf(n.topic), n.id]));
  const out: SubscriptionState[] = [];
  for (const topic of topics) {
    const id = have.get(topic);
    out.push(id ? { topic, status: 'present', id } : await create(client, topic, uri));
  }
  return out;
}
