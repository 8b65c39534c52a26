/**
 * Retailer stores. Credentials (access tokens, consumer secrets, webhook secrets) are sealed with AES-256-GCM
 * before they reach the database and are never returned: responses only say whether some are stored.
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf, retailerScope } from '../auth.ts';
import { idParams, nullable, okSchema, responses } from '../schemas.ts';
import { listStores } from '../../store/admin/index.ts';
import { visibleStore } from '../../app/stores.ts';

export const StoreSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' }, retailerId: { type: 'string' }, platform: { type: 'string' }, name: { type: 'string' },
    config: { type: 'object', additionalProperties: true },
    hasCredentials: { type: 'boolean', description: 'Credentials are stored (sealed); they are never returned' },
    paused: { type: 'boolean' }, health: { type: 'string' }, lastPushAt: nullable({ type: 'string' }), lastError: nullable({ type: 'string' }),
    createdAt: { type: 'string' },
    access: { type: 'string', enum: ['ok', 'lost', 'uninstalled'], description: 'lost: the platform refused a token refresh; uninstalled: the app was removed. Both pause the store.' },
    accessReason: nullable({ type: 'string' }),
    webhooks: nullable({
      type: 'array', description: 'Per-topic state of the webhook subscriptions, as last checked',
      items: { type: 'object', additionalProperties: false, properties: { topic: { type: 'string' }, status: { type: 'string' }, error: { type: 'string' } } },
    }),
    webhooksCheckedAt: nullable({ type: 'string' }),
  },
} as const;

const credentials = {
  type: 'object', maxProperties: 20,
  additionalProperties: { type: 'string', maxLength: 4096 },
  description: 'Secrets, e.g. {"accessToken": "...", "webhookSecret": "..."} (Shopify) or {"consumerKey", "consumerSecret", "webhookSecret"} (WooCommerce). Write-only.',
} as const;
const config = {
  type: 'object', additionalProperties: true,
  description: 'Non-secret settings, e.g. {"shop": "x.myshopify.com", "locationId": "gid://...", "apiVersion": "2025-01"} or {"url": "https://shop.example"}',
} as const;

const SyncSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    storeId: { type: 'string' }, health: { type: 'string' },
    lagP50Ms: nullable({ type: 'number' }), lagP99Ms: nullable({ type: 'number' }),
    queueDepth: { type: 'integer' }, lastPushAt: nullable({ type: 'string' }), lastError: nullable({ type: 'string' }),
    failures: { type: 'integer' }, circuitOpenUntil: nullable({ type: 'string' }), nextAttemptAt: nullable({ type: 'string' }),
    webhooksSeen: { type: 'integer' }, ordersByPoll: { type: 'integer' }, lastReconcileAt: nullable({ type: 'string' }),
    reconcileIntervalSeconds: { type: 'number' },
    listingProblems: {
      type: 'array', description: 'Listings the store rejected for good; each backs off by itself while the rest of the store syncs.',
      items: {
        type: 'object', additionalProperties: false,
        properties: { listingId: { type: 'string' }, sku: { type: 'string' }, error: { type: 'string' }, attempts: { type: 'integer' }, nextAttemptAt: { type: 'string' } },
      },
    },
  },
} as const;

export function storeRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/stores', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'List stores (a retailer token sees only its own)',
      querystring: { type: 'object', additionalProperties: false, properties: { retailerId: { type: 'string' } } },
      response: responses({ 200: { type: 'array', items: StoreSchema } }),
    },
  }, async (request) => {
    const scope = retailerScope(request);
    const wanted = request.query.retailerId;
    if (scope !== null && wanted !== undefined && wanted !== scope) return [];
    return listStores(db, principalOf(request).supplierId, scope ?? wanted ?? null);
  });

  app.post('/v1/stores', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'Connect a store (a retailer token may connect its own)',
      body: {
        type: 'object', required: ['retailerId', 'platform', 'name'], additionalProperties: false,
        properties: {
          retailerId: { type: 'string', minLength: 1 }, platform: { type: 'string', enum: ['shopify', 'woocommerce', 'http', 'test'] },
          name: { type: 'string', minLength: 1, maxLength: 200 }, config, credentials,
        },
      },
      response: responses({ 201: StoreSchema }),
    },
  }, async (request, reply) => reply.status(201).send(await commands.stores.connect(actorOf(request), request.body)));

  app.get('/v1/stores/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['stores'], summary: 'Get a store', params: idParams, response: responses({ 200: StoreSchema }) },
  }, async (request) => visibleStore(db, actorOf(request), request.params.id));

  app.patch('/v1/stores/:id', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'Rename a store, change its config, or replace (null: remove) its credentials (a retailer token: its own stores)', params: idParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, config, credentials: { ...credentials, nullable: true } },
      },
      response: responses({ 200: StoreSchema }),
    },
  }, async (request) => commands.stores.update(actorOf(request), request.params.id, request.body));

  app.delete('/v1/stores/:id', {
    schema: { tags: ['stores'], summary: 'Delete a store that has no orders (else pause it)', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.stores.remove(actorOf(request), request.params.id);
    return { ok: true };
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/v1/stores/:id/${action}`, {
      schema: {
        tags: ['stores'], summary: action === 'pause' ? 'Stop pushing to a store (desired quantities keep updating)' : 'Resume pushing to a store',
        params: idParams, response: responses({ 200: StoreSchema }),
      },
    }, async (request) => commands.stores.setPaused(actorOf(request), request.params.id, action === 'pause'));
  }

  app.get('/v1/stores/:id/sync', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'Sync health of a store: lag p50/p99 over the last hour (or since `since`), queue depth, last push, health', params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' } } },
      response: responses({ 200: SyncSchema }),
    },
  }, async (request) => {
    const { since } = request.query;
    return commands.stores.sync(actorOf(request), request.params.id, since ? Date.parse(since) : undefined);
  });
}
