/**
 * Platform webhooks: POST /webhooks/{shopify|woocommerce}/{storeId}. Public (no bearer key): each delivery is
 * authenticated by its HMAC over the exact raw body (request.rawBody), checked in constant time by the
 * connector with the store's sealed webhook secret. Replays are acknowledged and ignored (delivery keys); a
 * delivery whose processing fails is un-recorded so the platform's retry gets processed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { errorBody } from '../errors.ts';
import { forgetDelivery, getWebhookStore, type WebhookStore } from '../../store/admin/webhook-stores.ts';
import { parseShopifyWebhook } from '../../connectors/shopify/webhooks.ts';
import { shopifyAppFromEnv } from '../../connectors/shopify/app.ts';
import { applyShopifyEvent, deliveryKey, signedFor, topicOf } from '../shopify-webhooks.ts';
import { handleWooWebhook } from '../../connectors/woocommerce/index.ts';
import { DropsyncError } from '../../domain/errors.ts';

const params = {
  type: 'object', required: ['storeId'], additionalProperties: false,
  properties: { storeId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const Ack = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['processed', 'duplicate', 'ignored'] },
    detail: { type: 'string' },
  },
} as const;

const errorRef = { $ref: 'Error#' } as const;

function schema(platform: string, description: string) {
  return {
    tags: ['webhooks'], summary: `${platform} webhook deliveries for one store`, description, security: [],
    consumes: ['application/json', 'application/x-www-form-urlencoded'],
    params,
    body: { description: 'The platform payload, checked against the signature header over the raw bytes' },
    response: { 200: Ack, '4xx': errorRef, '5xx': errorRef },
  };
}

export function webhookRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const secretOf = (store: WebhookStore): string => {
    if (!store.sealedCredentials) return '';
    const creds = deps.sealer.open(store.sealedCredentials);
    return creds.webhookSecret ?? creds.apiSecret ?? creds.clientSecret ?? '';
  };

  const loadStore = async (request: FastifyRequest, platform: 'shopify' | 'woocommerce'): Promise<WebhookStore> => {
    const { storeId } = request.params as { storeId: string };
    const store = await getWebhookStore(deps.db, storeId);
    if (!store || store.platform !== platform) throw new DropsyncError('not_found', `no ${platform} store "${storeId}"`, 'storeId');
    return store;
  };

  /** Records the delivery, runs `work`, and un-records it when `work` fails. */
  const once = async (storeId: string, keys: string[], work: () => Promise<string>): Promise<{ status: 'processed' | 'duplicate'; detail: string }> => {
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

  const unauthorized = (reply: FastifyReply, message: string) =>
    reply.status(401).send(errorBody('unauthorized', message, 'signature'));

  app.post('/webhooks/shopify/:storeId', {
    config: { access: 'public' },
    schema: schema('Shopify', 'Topics orders/create, orders/updated, orders/cancelled, fulfillments/*, inventory_levels/update, app/uninstalled (and the compliance topics); signed with X-Shopify-Hmac-Sha256 (or shopify-hmac-sha256) by the app client secret or the store webhook secret; deduplicated by X-Shopify-Event-Id.'),
  }, async (request, reply) => {
    const store = await loadStore(request, 'shopify');
    const raw = request.rawBody ?? Buffer.alloc(0);
    const wd = { db: deps.db, sealer: deps.sealer, clock: deps.clock, engine: deps.engine, clientSecret: (deps.shopifyApp ?? shopifyAppFromEnv()).clientSecret };
    if (!signedFor(wd, raw, request.headers, store)) return unauthorized(reply, 'X-Shopify-Hmac-Sha256 does not match');
    const topic = topicOf(request.headers);
    return applyShopifyEvent(wd, store, topic, parseShopifyWebhook(topic, request.body), deliveryKey(raw, request.headers));
  });

  app.post('/webhooks/woocommerce/:storeId', {
    config: { access: 'public' },
    schema: schema('WooCommerce', 'Topics order.created and order.updated, signed with X-WC-Webhook-Signature; the unsigned creation ping is acknowledged.'),
  }, async (request, reply) => {
    const store = await loadStore(request, 'woocommerce');
    const raw = request.rawBody ?? Buffer.alloc(0);
    const outcome = handleWooWebhook(raw, request.headers, secretOf(store));
    if (!outcome.ok) {
      if (outcome.reason === 'bad_signature') return unauthorized(reply, outcome.message);
      throw new DropsyncError('invalid', outcome.message, 'body');
    }
    const event = outcome.event;
    if (event.kind === 'ping') return { status: 'ignored', detail: `ping for webhook ${event.webhookId}` };
    if (event.kind === 'other') return { status: 'ignored', detail: `topic ${event.topic} is not used` };
    if (event.ownCancellation) return { status: 'ignored', detail: 'echo of a cancellation dropsync made' };
    return once(store.id, event.dedupeKeys, async () => {
      if (event.order.status === 'cancelled') {
        const r = await deps.engine.receiveOrderCancelled(store.id, event.order.platformOrderId);
        return r ? `order ${r.status}` : 'order not known';
      }
      const r = await deps.engine.receiveOrder(store.id, event.order, 'webhook');
      return `order ${r.status}${r.duplicate ? ' (seen before)' : ''}`;
    });
  });
}
