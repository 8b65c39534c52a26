/**
 * Shopify deliveries, after their route found the store(s): signature, deduplication, and what each topic does.
 * - Signature: base64 HMAC-SHA256 of the raw body, keyed with the app's client secret (an OAuth install) or the
 *   store's own webhook secret (a pasted legacy custom app's), compared in constant time; a bad one answers 401.
 * - Deduplication by `X-Shopify-Event-Id` (the same on every retry), else the webhook id, else the body's hash;
 *   the un-prefixed "events" headers (`shopify-event-id`, ...) count the same.
 * - Topics: orders and levels go to the engine; `app/uninstalled` pauses the store and wipes its tokens;
 *   `customers/data_request` records what dropsync holds about the customer as an alert for the supplier to
 *   answer; `customers/redact` erases the customer's e-mail, names and apology codes; `shop/redact` erases them
 *   for the whole shop and wipes the credentials.
 */
import { createHash } from 'node:crypto';
import { parseShopifyWebhook, shopifyDeliveryKey, shopifyWebhookDedupeKeys, verifyShopifyWebhook } from '../connectors/shopify/webhooks.ts';
import type { ShopifyWebhookEvent } from '../connectors/shopify/types.ts';
import { DropsyncError } from '../domain/errors.ts';
import type { Clock } from '../domain/types.ts';
import type { CredentialSealer } from '../security/types.ts';
import { insertAlert } from '../store/ops/alert-insert.ts';
import { findCustomerOrders } from '../store/ops/customer-orders.ts';
import { redactCustomerData } from '../store/ops/customer-data-redact.ts';
import { redactShopData } from '../store/ops/shop-data-redact.ts';
import { markStoreAccess } from '../store/ops/store-access-lost.ts';
import type { Db } from '../store/types.ts';
import type { AppEngine } from './unit.ts';
import { processOnce, type WebhookAck } from './deliveries.ts';

export interface ShopifyWebhookDeps {
  db: Db;
  sealer: CredentialSealer;
  clock: Clock;
  engine: Pick<AppEngine, 'receiveOrder' | 'receiveOrderCancelled' | 'receiveLevel' | 'recordDelivery' | 'invalidateStore'>;
  /** The app's client secret ('' when the app is not configured). */
  clientSecret: string;
}

export interface DeliveryStore { id: string; supplierId: string; sealedCredentials: string | null }

export type Outcome = WebhookAck;

type Headers = Record<string, string | string[] | undefined>;

/** True when the delivery is signed with the app's secret or the store's own webhook secret. */
export function signedFor(deps: ShopifyWebhookDeps, raw: Buffer, headers: Headers, store: DeliveryStore | null): boolean {
  if (deps.clientSecret && verifyShopifyWebhook(raw, headers, deps.clientSecret)) return true;
  if (!store?.sealedCredentials) return false;
  const creds = deps.sealer.open(store.sealedCredentials);
  const own = creds.webhookSecret ?? creds.apiSecret ?? creds.clientSecret ?? '';
  return own !== '' && verifyShopifyWebhook(raw, headers, own);
}

export function deliveryKey(raw: Buffer, headers: Headers): string {
  return shopifyDeliveryKey(headers) ?? `body:${createHash('sha256').update(raw).digest('hex')}`;
}

export function topicOf(headers: Headers): string {
  const topic = shopifyWebhookDedupeKeys(headers).topic;
  if (!topic) throw new DropsyncError('invalid', 'missing', 'headers.x-shopify-topic');
  return topic;
}

const iso = (deps: ShopifyWebhookDeps) => new Date(deps.clock.now()).toISOString();

/** What one delivery does to one store. */
export async function applyShopifyEvent(deps: ShopifyWebhookDeps, store: DeliveryStore, topic: string, event: ShopifyWebhookEvent, key: string): Promise<Outcome> {
  if (event.kind === 'fulfillment') return { status: 'ignored', detail: `topic ${topic}: nothing to do for a retailer store yet` };
  return processOnce(deps, store.id, [key], async () => {
    switch (event.kind) {
      case 'order': {
        const r = await deps.engine.receiveOrder(store.id, event.order, 'webhook');
        return `order ${r.status}${r.duplicate ? ' (seen before)' : ''}`;
      }
      case 'order_cancelled': {
        const r = await deps.engine.receiveOrderCancelled(store.id, event.order.platformOrderId);
        return r ? `order ${r.status}` : 'order not known';
      }
      case 'level': {
        const r = await deps.engine.receiveLevel(store.id, event.externalId, event.quantity);
        return r.drift ? 'drift recorded; pushing our number back' : 'level matches';
      }
      case 'uninstalled': {
        const message = 'the retailer uninstalled the Shopify app: the store is paused and its tokens are wiped; it must install the app again';
        await deps.db.transaction(async (tx) => {
          await markStoreAccess(tx, store.id, 'uninstalled', message, true);
          await insertAlert(tx, { supplierId: store.supplierId, storeId: store.id, kind: 'store_uninstalled', message }, iso(deps));
        });
        deps.engine.invalidateStore(store.id);
        return 'store paused, tokens wiped';
      }
      case 'customer_data_request': {
        const orders = await findCustomerOrders(deps.db, store.id, event.customer.email, event.orderIds);
        await insertAlert(deps.db, {
          supplierId: store.supplierId, storeId: store.id, kind: 'customer_data_request',
          message: `Shopify forwarded a customer's request for their data (${orders.length} order(s) held by dropsync); send it to the store owner`,
          detail: { requestId: event.requestId, customer: event.customer, orders },
        }, iso(deps));
        return `data request recorded: ${orders.length} order(s)`;
      }
      case 'customer_redact': {
        const n = await redactCustomerData(deps.db, store.id, event.customer.email, event.orderIds);
        return `customer data erased from ${n} order(s)`;
      }
      case 'shop_redact': {
        const n = await redactShopData(deps.db, store.id);
        deps.engine.invalidateStore(store.id);
        return `shop data erased from ${n} order(s); credentials wiped`;
      }
    }
  });
}
