/** Listings: a SKU mapped to one item of one store. Creating or removing one recomputes that SKU. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf, retailerScope } from '../auth.ts';
import { idParams, nextCursor, nullable, okSchema, page, pageQuery, responses } from '../schemas.ts';
import { createListing, deleteListing, getListing, listListings } from '../../store/admin/listings.ts';
import { normaliseSku } from '../../store/admin/skus.ts';
import type { Listing } from '../../store/admin/types.ts';
import { DropsyncError, invalid } from '../../domain/errors.ts';
import { getStore } from '../../store/admin/stores.ts';

const ListingSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, storeId: { type: 'string' }, sku: { type: 'string' }, externalId: { type: 'string' },
    externalLocationId: nullable({ type: 'string' }), createdAt: { type: 'string' },
  },
} as const;

const ListingBody = {
  type: 'object', required: ['storeId', 'sku', 'externalId'], additionalProperties: false,
  properties: {
    storeId: { type: 'string', minLength: 1 }, sku: { type: 'string', minLength: 1, maxLength: 200 },
    externalId: { type: 'string', minLength: 1, maxLength: 500, description: 'Shopify inventory item gid, or WooCommerce product:ID / variation:PARENT:ID' },
    externalLocationId: { type: 'string', maxLength: 500, nullable: true, description: 'Shopify location gid' },
  },
} as const;

export const MAX_LISTINGS_PER_BATCH = 1000;

export function listingRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/listings', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: 'List listings (a retailer token sees only its stores)',
      querystring: { type: 'object', additionalProperties: false, properties: { storeId: { type: 'string' }, sku: { type: 'string' }, ...pageQuery } },
      response: responses({ 200: page(ListingSchema) }),
    },
  }, async (request) => {
    const q = request.query as { storeId?: string; sku?: string; after?: string; limit: number };
    const items = await listListings(deps.db, principalOf(request).supplierId, { ...q, retailerId: retailerScope(request) });
    return { items, next: nextCursor(items, q.limit, (l) => l.id) };
  });

  /** A retailer token may map items of its own stores only; other stores look unknown. */
  const assertOwnStore = async (supplierId: string, scope: string | null, storeId: string, field: string) => {
    if (scope === null) return;
    await getStore(deps.db, supplierId, storeId, scope).catch(() => { throw invalid(field, `no store "${storeId}"`); });
  };

  app.post('/v1/listings', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: 'Map a SKU to a store item (a retailer token: on its own stores)',
      body: ListingBody,
      response: responses({ 201: ListingSchema }),
    },
  }, async (request, reply) => {
    const supplierId = principalOf(request).supplierId;
    const b = request.body as { storeId: string; sku: string; externalId: string; externalLocationId?: string | null };
    await assertOwnStore(supplierId, retailerScope(request), b.storeId, 'storeId');
    const listing = await createListing(deps.db, supplierId, { ...b, sku: normaliseSku(b.sku) }, deps.now());
    await deps.engine.recompute(supplierId, [listing.sku]);
    return reply.status(201).send(listing);
  });

  app.post('/v1/listings/batch', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: `Map up to ${MAX_LISTINGS_PER_BATCH} SKUs to store items; a result per item`,
      description: 'A malformed item refuses the whole request (naming listings[i].field). Otherwise each item is created on its own: an unknown store or SKU, or a duplicate, fails that item only. One recompute covers every created listing.',
      body: {
        type: 'object', required: ['listings'], additionalProperties: false,
        properties: { listings: { type: 'array', minItems: 1, maxItems: MAX_LISTINGS_PER_BATCH, items: ListingBody } },
      },
      response: responses({
        200: {
          type: 'object',
          properties: {
            created: { type: 'integer' }, failed: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  index: { type: 'integer' }, ok: { type: 'boolean' }, listing: ListingSchema,
                  error: { type: 'object', properties: { kind: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } },
                },
              },
            },
          },
        },
      }),
    },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { listings } = request.body as { listings: { storeId: string; sku: string; externalId: string; externalLocationId?: string | null }[] };
    const results: { index: number; ok: boolean; listing?: Listing; error?: { kind: string; message: string; field?: string } }[] = [];
    const skus = new Set<string>();
    for (const [index, item] of listings.entries()) {
      try {
        await assertOwnStore(supplierId, retailerScope(request), item.storeId, 'storeId');
        const listing = await createListing(deps.db, supplierId, { ...item, sku: normaliseSku(item.sku) }, deps.now());
        skus.add(listing.sku);
        results.push({ index, ok: true, listing });
      } catch (err) {
        if (!(err instanceof DropsyncError)) throw err;
        const field = err.field ? `listings[${index}].${err.field}` : `listings[${index}]`;
        results.push({ index, ok: false, error: { kind: err.kind, message: err.message.replace(`${err.field}: `, ''), field } });
      }
    }
    if (skus.size > 0) await deps.engine.recompute(supplierId, [...skus]);
    const created = results.filter((r) => r.ok).length;
    return { created, failed: results.length - created, results };
  });

  app.get('/v1/listings/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['listings'], summary: 'Get a listing', params: idParams, response: responses({ 200: ListingSchema }) },
  }, async (request) => getListing(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id, retailerScope(request)));

  app.delete('/v1/listings/:id', {
    schema: { tags: ['listings'], summary: 'Stop managing a store item', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const listing = await deleteListing(deps.db, supplierId, (request.params as { id: string }).id);
    await deps.engine.recompute(supplierId, [listing.sku]);
    return { ok: true };
  });
}
