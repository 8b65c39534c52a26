/**
 * Retailer orders: list/get (a retailer token sees its own), manual entry, fulfil and cancel. Manual entry goes
 * through the same atomic commit as webhook orders: accepted if atp covers it, else the short units are a conflict.
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf, retailerScope } from '../auth.ts';
import { idParams, nextCursor, nullable, page, pageQuery, responses } from '../schemas.ts';
import { getOrder, listOrders, timeCursor } from '../../store/admin/index.ts';

const statusEnum = ['accepted', 'partial', 'conflict', 'fulfilled', 'cancelled'] as const;

export const OrderViewSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' }, storeId: nullable({ type: 'string' }), retailerId: nullable({ type: 'string' }), platformOrderId: { type: 'string' },
    name: nullable({ type: 'string' }), email: nullable({ type: 'string' }), source: { type: 'string' }, status: { type: 'string', enum: statusEnum },
    holdId: nullable({ type: 'string' }), placedAt: { type: 'string' }, committedAt: { type: 'string' }, updatedAt: { type: 'string' },
    lines: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        properties: {
          lineNo: { type: 'integer' }, sku: { type: 'string' }, quantity: { type: 'integer' }, accepted: { type: 'integer' },
          short: { type: 'integer' }, unknownSku: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export const OrderResultSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    orderId: { type: 'string' }, status: { type: 'string', enum: statusEnum },
    duplicate: { type: 'boolean', description: 'This (store, platform order id) was seen before; nothing changed' },
    lines: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        properties: { sku: { type: 'string' }, quantity: { type: 'integer' }, accepted: { type: 'integer' }, short: { type: 'integer' }, unknownSku: { type: 'boolean' } },
      },
    },
    conflictIds: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const orderLines = {
  type: 'array', minItems: 1, maxItems: 500,
  items: {
    type: 'object', required: ['sku', 'quantity'], additionalProperties: false,
    properties: { sku: { type: 'string', minLength: 1, maxLength: 200 }, quantity: { type: 'integer', minimum: 1, maximum: 1000000 } },
  },
} as const;

export function orderRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/orders', {
    config: { access: 'retailer' },
    schema: {
      tags: ['orders'], summary: 'List orders, newest first (a retailer token sees only its own)',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { storeId: { type: 'string' }, status: { type: 'string', enum: statusEnum }, ...pageQuery },
      },
      response: responses({ 200: page(OrderViewSchema) }),
    },
  }, async (request) => {
    const q = request.query;
    const items = await listOrders(db, principalOf(request).supplierId, { ...q, retailerId: retailerScope(request) });
    return { items, next: nextCursor(items, q.limit, (o) => timeCursor(o.committedAt, o.id)) };
  });

  app.get('/v1/orders/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['orders'], summary: 'Get an order with its lines', params: idParams, response: responses({ 200: OrderViewSchema }) },
  }, async (request) => getOrder(db, principalOf(request).supplierId, request.params.id, retailerScope(request)));

  app.post('/v1/orders', {
    schema: {
      tags: ['orders'], summary: 'Enter a retailer order by hand (deduplicated by store + platformOrderId)',
      body: {
        type: 'object', required: ['storeId', 'platformOrderId', 'lines'], additionalProperties: false,
        properties: {
          storeId: { type: 'string', minLength: 1 },
          platformOrderId: { type: 'string', minLength: 1, maxLength: 200 },
          name: { type: 'string', maxLength: 200 },
          email: { type: 'string', maxLength: 320, nullable: true },
          placedAt: { type: 'string', format: 'date-time' },
          holdId: { type: 'string', minLength: 1, description: 'A hold this order converts' },
          lines: orderLines,
        },
      },
      response: responses({ 200: OrderResultSchema, 201: OrderResultSchema }),
    },
  }, async (request, reply) => {
    const result = await commands.orders.record(actorOf(request), request.body);
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });

  app.post('/v1/orders/:id/fulfil', {
    schema: { tags: ['orders'], summary: 'Mark an accepted order fulfilled (its units leave committed)', params: idParams, response: responses({ 200: OrderResultSchema }) },
  }, async (request) => commands.orders.fulfil(actorOf(request), request.params.id));

  app.post('/v1/orders/:id/cancel', {
    schema: { tags: ['orders'], summary: 'Cancel an order (its committed units return to the pool)', params: idParams, response: responses({ 200: OrderResultSchema }) },
  }, async (request) => commands.orders.cancel(actorOf(request), request.params.id));
}
