/** Listings: a SKU mapped to one item of one store. Creating or removing one recomputes that SKU. */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf, retailerScope } from '../auth.ts';
import { idParams, nextCursor, nullable, okSchema, page, pageQuery, responses } from '../schemas.ts';
import { getListing, listListings } from '../../store/admin/index.ts';
import { MAX_LISTINGS_PER_BATCH } from '../../app/index.ts';

const ListingSchema = {
  type: 'object', additionalProperties: false,
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

export function listingRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/listings', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: 'List listings (a retailer token sees only its stores)',
      querystring: { type: 'object', additionalProperties: false, properties: { storeId: { type: 'string' }, sku: { type: 'string' }, ...pageQuery } },
      response: responses({ 200: page(ListingSchema) }),
    },
  }, async (request) => {
    const q = request.query;
    const items = await listListings(db, principalOf(request).supplierId, { ...q, retailerId: retailerScope(request) });
    return { items, next: nextCursor(items, q.limit, (l) => l.id) };
  });

  app.post('/v1/listings', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: 'Map a SKU to a store item (a retailer token: on its own stores)',
      body: ListingBody,
      response: responses({ 201: ListingSchema }),
    },
  }, async (request, reply) => reply.status(201).send(await commands.listings.create(actorOf(request), request.body)));

  app.post('/v1/listings/batch', {
    config: { access: 'retailer' },
    schema: {
      tags: ['listings'], summary: `Map up to ${MAX_LISTINGS_PER_BATCH} SKUs to store items; a result per item`,
      description: 'A malformed item refuses the whole request (naming listings[i].field). Otherwise each item is created on its own: an unknown store or SKU, or a duplicate, fails that item only. One transaction and one recompute cover every created listing.',
      body: {
        type: 'object', required: ['listings'], additionalProperties: false,
        properties: { listings: { type: 'array', minItems: 1, maxItems: MAX_LISTINGS_PER_BATCH, items: ListingBody } },
      },
      response: responses({
        200: {
          type: 'object', additionalProperties: false,
          properties: {
            created: { type: 'integer' }, failed: { type: 'integer' },
            results: {
              type: 'array',
              items: {
                type: 'object', additionalProperties: false,
                properties: {
                  index: { type: 'integer' }, ok: { type: 'boolean' }, listing: ListingSchema,
                  error: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } },
                },
              },
            },
          },
        },
      }),
    },
  }, async (request) => commands.listings.createMany(actorOf(request), request.body.listings));

  app.get('/v1/listings/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['listings'], summary: 'Get a listing', params: idParams, response: responses({ 200: ListingSchema }) },
  }, async (request) => getListing(db, principalOf(request).supplierId, request.params.id, retailerScope(request)));

  app.delete('/v1/listings/:id', {
    schema: { tags: ['listings'], summary: 'Stop managing a store item', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.listings.remove(actorOf(request), request.params.id);
    return { ok: true };
  });
}
