/**
 * Platform webhook deliveries for one store. Each is authenticated by its HMAC over the exact raw body with
 * the store's sealed webhook secret (checked in constant time by the connector); replays are acknowledged and
 * ignored (delivery keys); a delivery whose processing fails is un-recorded, so the platform's retry gets
 * processed. Orders, cancellations and store-reported levels then go to the engine, one transaction each.
 */
import { createHash } from 'node:crypto';
import { parseShopifyWebhook, shopifyWebhookDedupeKeys, verifyShopifyWebhook } from '../connectors/shopify/index.ts';
import { handleWooWebhook } from '../connectors/woocommerce/index.ts';
import { DropsyncError } from '../domain/errors.ts';
import type { RemoteOrder } from '../connectors/types.ts';
import { forgetDelivery, getWebhookStore, type WebhookStore } from '../store/admin/index.ts';
import type { AppDeps } from './unit.ts';

export interface Delivery {
  /** The exact request bytes the signature covers. */
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (Shopify). */
  body: unknown;
}

export interface WebhookAck { status: 'processed' | 'duplicate' | 'ignored'; detail: string }

const badSignature = (message: string) => new DropsyncError('unauthorized', message, 'signature');

export function webhookCommands(deps: AppDeps) {
  const secretOf = (store: WebhookStore): string => {
    if (!store.sealedCredentials) return '';
    const creds = deps.sealer.open(store.sealedCredentials);
    return creds.webhookSecret ?? creds.apiSecret ?? creds.clientSecret ?? '';
  };

  const loadStore = async (storeId: string, platform: 'shopify' | 'woocommerce'): Promise<WebhookStore> => {
    const store = await getWebhookStore(deps.db, storeId);
    if (!store || store.platform !== platform) throw new DropsyncError('not_found', `no ${platform} store "${storeId}"`, 'storeId');
    return store;
  };

  /** Records the delivery, runs `work`, and un-records it when `work` fails. */
  const once = async (storeId: string, keys: readonly string[], work: () => Promise<string>): Promise<WebhookAck> => {
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
  };

  const order = async (storeId: string, o: RemoteOrder) => {
    const r = await deps.engine.receiveOrder(storeId, o, 'webhook');
    return `order ${r.status}${r.duplicate ? ' (seen before)' : ''}`;
  };
  const cancelled = async (storeId: string, platformOrderId: string) => {
    const r = await deps.engine.receiveOrderCancelled(storeId, platformOrderId);
    return r ? `order ${r.status}` : 'order not known';
  };

  return {
    /** Topics orders/create, orders/cancelled and inventory_levels/update, signed with X-Shopify-Hmac-Sha256. */
    async shopify(storeId: string, d: Delivery): Promise<WebhookAck> {
      const store = await loadStore(storeId, 'shopify');
      if (!verifyShopifyWebhook(d.raw, d.headers, secretOf(store))) throw badSignature('X-Shopify-Hmac-Sha256 does not match');
      const ids = shopifyWebhookDedupeKeys(d.headers);
      if (!ids.topic) throw new DropsyncError('invalid', 'missing', 'headers.x-shopify-topic');
      const event = parseShopifyWebhook(ids.topic, d.body);
      // Event id identifies one occurrence; fall back to the delivery's webhook id, else the body itself.
      const key = ids.eventId ? `event:${ids.eventId}` : ids.webhookId ? `webhook:${ids.webhookId}` : `body:${createHash('sha256').update(d.raw).digest('hex')}`;
      return once(store.id, [key], async () => {
        if (event.kind === 'order') return order(store.id, event.order);
        if (event.kind === 'order_cancelled') return cancelled(store.id, event.order.platformOrderId);
        const r = await deps.engine.receiveLevel(store.id, event.externalId, event.quantity);
        return r.drift ? 'drift recorded; pushing our number back' : 'level matches';
      });
    },

    /** Topics order.created and order.updated, signed with X-WC-Webhook-Signature; the unsigned creation ping is acknowledged. */
    async woocommerce(storeId: string, d: Delivery): Promise<WebhookAck> {
      const store = await loadStore(storeId, 'woocommerce');
      const outcome = handleWooWebhook(d.raw, d.headers, secretOf(store));
      if (!outcome.ok) {
        if (outcome.reason === 'bad_signature') throw badSignature(outcome.message);
        throw new DropsyncError('invalid', outcome.message, 'body');
      }
      const event = outcome.event;
      if (event.kind === 'ping') return { status: 'ignored', detail: `ping for webhook ${event.webhookId}` };
      if (event.kind === 'other') return { status: 'ignored', detail: `topic ${event.topic} is not used` };
      if (event.ownCancellation) return { status: 'ignored', detail: 'echo of a cancellation dropsync made' };
      return once(store.id, event.dedupeKeys, async () => (event.order.status === 'cancelled'
        ? cancelled(store.id, event.order.platformOrderId)
        : order(store.id, event.order)));
    },
  };
}
