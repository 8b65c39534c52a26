/**
 * Holds (cart reservations): units set aside for 10-15 minutes that reduce atp on every store at once. A hold is
 * converted by an order that references it, released by hand, or expires on its own.
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf } from '../auth.ts';
import { idParams, nextCursor, nullable, page, pageQuery, responses } from '../schemas.ts';
import { getHold, listHolds, timeCursor } from '../../store/admin/index.ts';
import { MAX_HOLD_SECONDS, MIN_HOLD_SECONDS } from '../../app/index.ts';
import { OrderResultSchema, orderLines } from './orders.ts';

const holdStatus = { type: 'string', enum: ['active', 'converted', 'released', 'expired'] } as const;

const HoldSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' }, sku: { type: 'string' }, quantity: { type: 'integer' }, storeId: nullable({ type: 'string' }),
    createdAt: { type: 'string' }, expiresAt: { type: 'string' }, status: holdStatus,
    orderId: nullable({ type: 'string' }),
  },
} as const;

export function holdRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/holds', {
    schema: {
      tags: ['holds'], summary: 'List holds, newest first',
      querystring: { type: 'object', additionalProperties: false, properties: { status: holdStatus, sku: { type: 'string' }, ...pageQuery } },
      response: responses({ 200: page(HoldSchema) }),
    },
  }, async (request) => {
    const q = request.query;
    const items = await listHolds(db, principalOf(request).supplierId, q);
    return { items, next: nextCursor(items, q.limit, (h) => timeCursor(h.createdAt, h.id)) };
  });

  app.get('/v1/holds/:id', {
    schema: { tags: ['holds'], summary: 'Get a hold', params: idParams, response: responses({ 200: HoldSchema }) },
  }, async (request) => getHold(db, principalOf(request).supplierId, request.params.id));

  app.post('/v1/holds', {
    schema: {
      tags: ['holds'], summary: 'Reserve units for a cart (ttl 10-15 minutes, default 15)',
      body: {
        type: 'object', required: ['sku', 'quantity'], additionalProperties: false,
        properties: {
          sku: { type: 'string', minLength: 1, maxLength: 200 },
          quantity: { type: 'integer', minimum: 1, maximum: 1000000 },
          storeId: { type: 'string', minLength: 1, nullable: true },
          ttl: { type: 'string', description: 'Duration such as "15m" (10m to 15m)' },
          ttlSeconds: { type: 'integer', minimum: MIN_HOLD_SECONDS, maximum: MAX_HOLD_SECONDS },
        },
      },
      response: responses({ 201: HoldSchema }),
    },
  }, async (request, reply) => reply.status(201).send(await commands.orders.hold(actorOf(request), request.body)));

  app.post('/v1/holds/:id/release', {
    schema: { tags: ['holds'], summary: 'Release a hold now (its units return to atp)', params: idParams, response: responses({ 200: HoldSchema }) },
  }, async (request) => commands.orders.release(actorOf(request), request.params.id));

  app.post('/v1/holds/:id/convert', {
    schema: {
      tags: ['holds'], summary: 'Convert a hold into an order (the held units become committed)',
      params: idParams,
      body: {
        type: 'object', required: ['platformOrderId'], additionalProperties: false,
        properties: {
          platformOrderId: { type: 'string', minLength: 1, maxLength: 200 },
          storeId: { type: 'string', minLength: 1, description: "Default: the hold's store" },
          name: { type: 'string', maxLength: 200 }, email: { type: 'string', maxLength: 320, nullable: true },
          lines: { ...orderLines, description: "Default: the hold's SKU and quantity" },
        },
      },
      response: responses({ 200: OrderResultSchema, 201: OrderResultSchema }),
    },
  }, async (request, reply) => {
    const result = await commands.orders.convert(actorOf(request), request.params.id, request.body);
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });
}
