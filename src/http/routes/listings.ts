/** Listings: a SKU mapped to one item of one store. Creating or removing one recomputes that SKU. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf, retailerScope } from '../auth.ts';
import { idParams, nextCursor, nullable, okSchema, page, pageQuery, responses } from '../schemas.ts';
import { createListing, deleteListing, getListing, listListings } from '../../store/admin/listings.ts';
import { normaliseSku } from '../../store/admin/skus.ts';

const ListingSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, storeId: { type: 'string' }, sku: { type: 'string' }, externalId: { type: 'string' },
    externalLocationId: nullable({ type: 'string' }), createdAt: { type: 'string' },
  },
} as const;

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

  app.post('/v1/listings', {
    schema: {
      tags: ['listings'], summary: 'Map a SKU to a store item',
      body: {
        type: 'object', required: ['storeId', 'sku', 'externalId'], additionalProperties: false,
        properties: {
          storeId: { type: 'string', minLength: 1 }, sku: { type: 'string', minLength: 1, maxLength: 200 },
          externalId: { type: 'string', minLength: 1, maxLength: 500, description: 'Shopify inventory item gid, or WooCommerce product:ID / variation:PARENT:ID' },
          externalLocationId: { type: 'string', maxLength: 500, nullable: true, description: 'Shopify location gid' },
        },
      },
      response: responses({ 201: ListingSchema }),
    },
  }, async (request, reply) => {
    const supplierId = principalOf(request).supplierId;
    const b = request.body as { storeId: string; sku: string; externalId: string; externalLocationId?: string | null };
    const listing = await createListing(deps.db, supplierId, { ...b, sku: normaliseSku(b.sku) }, deps.now());
    await deps.engine.recompute(supplierId, [listing.sku]);
    return reply.status(201).send(listing);
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
