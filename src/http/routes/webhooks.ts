/**
 * Platform webhooks: POST /webhooks/{shopify|woocommerce}/{storeId}. Public (no bearer key): each delivery is
 * authenticated by its HMAC over the exact raw body (request.rawBody); the checks, the replay protection and
 * what a delivery does are the webhook commands' (src/app/webhooks.ts).
 */
import type { RouteDeps, TypedApp } from '../types.ts';

const params = {
  type: 'object', required: ['storeId'], additionalProperties: false,
  properties: { storeId: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const Ack = {
  type: 'object', additionalProperties: false,
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
  } as const;
}

export function webhookRoutes(app: TypedApp, { commands }: RouteDeps): void {
  app.post('/webhooks/shopify/:storeId', {
    config: { access: 'public' },
    schema: schema('Shopify', 'Topics orders/create, orders/cancelled, inventory_levels/update; signed with X-Shopify-Hmac-Sha256.'),
  }, async (request) => commands.webhooks.shopify(request.params.storeId, { raw: request.rawBody ?? Buffer.alloc(0), headers: request.headers, body: request.body }));

  app.post('/webhooks/woocommerce/:storeId', {
    config: { access: 'public' },
    schema: schema('WooCommerce', 'Topics order.created and order.updated, signed with X-WC-Webhook-Signature; the unsigned creation ping is acknowledged.'),
  }, async (request) => commands.webhooks.woocommerce(request.params.storeId, { raw: request.rawBody ?? Buffer.alloc(0), headers: request.headers, body: request.body }));
}
