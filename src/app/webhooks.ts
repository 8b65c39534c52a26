/**
 * Platform webhook deliveries. Each is authenticated by its HMAC over the exact raw body (the store's sealed
 * webhook secret, or for Shopify the app's client secret), checked in constant time by the connector; replays
 * are acknowledged and ignored (delivery keys); a delivery whose processing fails is un-recorded, so the
 * platform's retry gets processed. Orders, cancellations and store-reported levels then go to the engine, one
 * transaction each.
 */
import { parseShopifyWebhook, shopifyWebhookDedupeKeys } from '../connectors/shopify/webhooks.ts';
import { handleWooWebhook } from '../connectors/woocommerce/index.ts';
import { DropsyncError } from '../domain/errors.ts';
import type { RemoteOrder } from '../connectors/types.ts';
import { getWebhookStore, type WebhookStore } from '../store/admin/index.ts';
import { findShopifyStoresByShop } from '../store/ops/shopify-stores-by-shop.ts';
import { applyShopifyEvent, deliveryKey, signedFor, topicOf } from './shopify-webhooks.ts';
import type { AppDeps } from './unit.ts';
import { processOnce, type WebhookAck } from './deliveries.ts';

export interface Delivery {
  /** The exact request bytes the signature covers. */
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (Shopify). */
  body: unknown;
}


const badSignature = (message: string) => new DropsyncError('unauthorized', message, 'signature');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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

  const once = (storeId: string, keys: readonly string[], work: () => Promise<string>) => processOnce(deps, storeId, keys, work);

  const order = async (storeId: string, o: RemoteOrder) => {
    const r = await deps.engine.receiveOrder(storeId, o, 'webhook');
    return `order ${r.status}${r.duplicate ? ' (seen before)' : ''}`;
  };
  const cancelled = async (storeId: string, platformOrderId: string) => {
    const r = await deps.engine.receiveOrderCancelled(storeId, platformOrderId);
    return r ? `order ${r.status}` : 'order not known';
  };

  /** What Shopify deliveries need: the app's client secret signs the deliveries of stores that installed it. */
  const shopifyDeps = () => ({ db: deps.db, sealer: deps.sealer, clock: deps.clock, engine: deps.engine, clientSecret: deps.shopifyApp?.clientSecret ?? '' });

  return {
    /**
     * A store's Shopify deliveries (orders, fulfilments, levels, app/uninstalled), signed with the app's client
     * secret or the store's own webhook secret (src/app/shopify-webhooks.ts says what each topic does).
     */
    async shopify(storeId: string, d: Delivery): Promise<WebhookAck> {
      const store = await loadStore(storeId, 'shopify');
      const wd = shopifyDeps();
      if (!signedFor(wd, d.raw, d.headers, store)) throw badSignature('X-Shopify-Hmac-Sha256 does not match');
      const topic = topicOf(d.headers);
      return applyShopifyEvent(wd, store, topic, parseShopifyWebhook(topic, d.body), deliveryKey(d.raw, d.headers));
    },

    /**
     * The app-level address (the compliance topics and app/uninstalled), signed with the app's client secret;
     * the store(s) are found by the shop's domain.
     */
    async shopifyApp(d: Delivery): Promise<WebhookAck> {
      const wd = shopifyDeps();
      if (!signedFor(wd, d.raw, d.headers, null)) throw badSignature('X-Shopify-Hmac-Sha256 does not match');
      const topic = topicOf(d.headers);
      const event = parseShopifyWebhook(topic, d.body);
      const body = isRecord(d.body) ? d.body : {};
      const named = [shopifyWebhookDedupeKeys(d.headers).shopDomain, body.shop_domain, body.myshopify_domain].find((v) => typeof v === 'string');
      if (typeof named !== 'string') return { status: 'ignored', detail: 'no shop named' };
      const stores = await findShopifyStoresByShop(deps.db, named);
      if (stores.length === 0) return { status: 'ignored', detail: `no store of shop ${named}` };
      const key = deliveryKey(d.raw, d.headers);
      const outcomes: WebhookAck[] = [];
      for (const s of stores) outcomes.push(await applyShopifyEvent(wd, { id: s.id, supplierId: s.supplier_id, sealedCredentials: s.credentials }, topic, event, key));
      const processed = outcomes.some((o) => o.status === 'processed');
      return { status: processed ? 'processed' : (outcomes[0]?.status ?? 'ignored'), detail: outcomes.map((o) => o.detail).join('; ') };
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
