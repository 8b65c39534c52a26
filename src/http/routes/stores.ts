/**
 * Retailer stores. Credentials (access tokens, consumer secrets, webhook secrets) are sealed with AES-256-GCM
 * before they reach the database and are never returned: responses only say whether some are stored.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf, retailerScope } from '../auth.ts';
import { idParams, nullable, okSchema, responses } from '../schemas.ts';
import { DropsyncError } from '../../domain/errors.ts';
import { createStore, deleteStore, getStore, listStores, setStorePaused, updateStore } from '../../store/admin/stores.ts';
import { skusListedOn } from '../../store/admin/listings.ts';

export const StoreSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, retailerId: { type: 'string' }, platform: { type: 'string' }, name: { type: 'string' },
    config: { type: 'object', additionalProperties: true },
    hasCredentials: { type: 'boolean', description: 'Credentials are stored (sealed); they are never returned' },
    paused: { type: 'boolean' }, health: { type: 'string' }, lastPushAt: nullable({ type: 'string' }), lastError: nullable({ type: 'string' }),
    createdAt: { type: 'string' },
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
  type: 'object',
  properties: {
    storeId: { type: 'string' }, health: { type: 'string' },
    lagP50Ms: nullable({ type: 'number' }), lagP99Ms: nullable({ type: 'number' }),
    queueDepth: { type: 'integer' }, lastPushAt: nullable({ type: 'string' }), lastError: nullable({ type: 'string' }),
    failures: { type: 'integer' }, circuitOpenUntil: nullable({ type: 'string' }), nextAttemptAt: nullable({ type: 'string' }),
    webhooksSeen: { type: 'integer' }, ordersByPoll: { type: 'integer' }, lastReconcileAt: nullable({ type: 'string' }),
    reconcileIntervalSeconds: { type: 'number' },
  },
} as const;

export function storeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const storeSkus = (storeId: string) => skusListedOn(deps.db, storeId);

  app.get('/v1/stores', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'List stores (a retailer token sees only its own)',
      querystring: { type: 'object', additionalProperties: false, properties: { retailerId: { type: 'string' } } },
      response: responses({ 200: { type: 'array', items: StoreSchema } }),
    },
  }, async (request) => {
    const scope = retailerScope(request);
    const wanted = (request.query as { retailerId?: string }).retailerId;
    if (scope !== null && wanted !== undefined && wanted !== scope) return [];
    return listStores(deps.db, principalOf(request).supplierId, scope ?? wanted ?? null);
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
  }, async (request, reply) => {
    const b = request.body as { retailerId: string; platform: 'shopify'; name: string; config?: Record<string, unknown>; credentials?: Record<string, string> };
    const scope = retailerScope(request);
    if (scope !== null && scope !== b.retailerId) throw new DropsyncError('not_found', `no retailer "${b.retailerId}"`, 'retailerId');
    const store = await createStore(deps.db, principalOf(request).supplierId, {
      retailerId: b.retailerId, platform: b.platform, name: b.name, config: b.config ?? {},
      sealedCredentials: b.credentials ? deps.sealer.seal(b.credentials) : null,
    }, deps.now());
    return reply.status(201).send(store);
  });

  app.get('/v1/stores/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['stores'], summary: 'Get a store', params: idParams, response: responses({ 200: StoreSchema }) },
  }, async (request) => getStore(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id, retailerScope(request)));

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
  }, async (request) => {
    const { id } = request.params as { id: string };
    // A retailer token may only touch its own stores; another retailer's store does not exist for it.
    await getStore(deps.db, principalOf(request).supplierId, id, retailerScope(request));
    const b = request.body as { name?: string; config?: Record<string, unknown>; credentials?: Record<string, string> | null };
    const patch: Parameters<typeof updateStore>[3] = {};
    if (b.name !== undefined) patch.name = b.name;
    if (b.config !== undefined) patch.config = b.config;
    if (b.credentials !== undefined) patch.sealedCredentials = b.credentials === null ? null : deps.sealer.seal(b.credentials);
    const store = await updateStore(deps.db, principalOf(request).supplierId, id, patch);
    // The engine caches a connector per store; it must be rebuilt with the new settings.
    deps.engine.invalidateStore(id);
    return store;
  });

  app.delete('/v1/stores/:id', {
    schema: { tags: ['stores'], summary: 'Delete a store that has no orders (else pause it)', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { id } = request.params as { id: string };
    const skus = await storeSkus(id);
    await deleteStore(deps.db, supplierId, id);
    deps.engine.invalidateStore(id);
    if (skus.length > 0) await deps.engine.recompute(supplierId, skus);
    return { ok: true };
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/v1/stores/:id/${action}`, {
      schema: {
        tags: ['stores'], summary: action === 'pause' ? 'Stop pushing to a store (desired quantities keep updating)' : 'Resume pushing to a store',
        params: idParams, response: responses({ 200: StoreSchema }),
      },
    }, async (request) => {
      const supplierId = principalOf(request).supplierId;
      const { id } = request.params as { id: string };
      const store = await setStorePaused(deps.db, supplierId, id, action === 'pause', deps.now());
      // A store this process is pushing stops at once (other processes' runs stop at their next heartbeat).
      if (action === 'pause') deps.engine.invalidateStore(id);
      const skus = await storeSkus(id);
      if (skus.length > 0) await deps.engine.recompute(supplierId, skus);
      return store;
    });
  }

  app.get('/v1/stores/:id/sync', {
    config: { access: 'retailer' },
    schema: {
      tags: ['stores'], summary: 'Sync health of a store: lag p50/p99 over the last hour (or since `since`), queue depth, last push, health', params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { since: { type: 'string', format: 'date-time' } } },
      response: responses({ 200: SyncSchema }),
    },
  }, async (request) => {
    const { id } = request.params as { id: string };
    const { since } = request.query as { since?: string };
    await getStore(deps.db, principalOf(request).supplierId, id, retailerScope(request));
    return deps.engine.storeSync(id, since ? { sinceMs: Date.parse(since) } : {});
  });
}
