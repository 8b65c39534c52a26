/**
 * Holds (cart reservations): units set aside for 10-15 minutes that reduce atp on every store at once. A hold is
 * converted by an order that references it, released by hand, or expires on its own.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { idParams, nextCursor, nullable, page, pageQuery, responses } from '../schemas.ts';
import { getHold, listHolds, timeCursor } from '../../store/admin/read-orders.ts';
import { getStore } from '../../store/admin/stores.ts';
import { normaliseSku } from '../../store/admin/skus.ts';
import { parseDuration } from '../../domain/duration.ts';
import { invalid } from '../../domain/errors.ts';
import type { HoldInput, OrderInput } from '../../engine/types.ts';
import { OrderResultSchema, orderLines } from './orders.ts';

export const MIN_HOLD_SECONDS = 600;
export const MAX_HOLD_SECONDS = 900;

const HoldSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, sku: { type: 'string' }, quantity: { type: 'integer' }, storeId: nullable({ type: 'string' }),
    createdAt: { type: 'string' }, expiresAt: { type: 'string' }, status: { type: 'string', enum: ['active', 'converted', 'released', 'expired'] },
    orderId: nullable({ type: 'string' }),
  },
} as const;

export function holdRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/holds', {
    schema: {
      tags: ['holds'], summary: 'List holds, newest first',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { status: { type: 'string', enum: ['active', 'converted', 'released', 'expired'] }, sku: { type: 'string' }, ...pageQuery },
      },
      response: responses({ 200: page(HoldSchema) }),
    },
  }, async (request) => {
    const q = request.query as { status?: string; sku?: string; after?: string; limit: number };
    const items = await listHolds(deps.db, principalOf(request).supplierId, q);
    return { items, next: nextCursor(items, q.limit, (h) => timeCursor(h.createdAt, h.id)) };
  });

  app.get('/v1/holds/:id', {
    schema: { tags: ['holds'], summary: 'Get a hold', params: idParams, response: responses({ 200: HoldSchema }) },
  }, async (request) => getHold(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id));

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
  }, async (request, reply) => {
    const supplierId = principalOf(request).supplierId;
    const b = request.body as { sku: string; quantity: number; storeId?: string | null; ttl?: string; ttlSeconds?: number };
    if (b.ttl !== undefined && b.ttlSeconds !== undefined) throw invalid('ttl', 'give ttl or ttlSeconds, not both');
    const hold: HoldInput = { sku: normaliseSku(b.sku), quantity: b.quantity };
    if (b.ttl !== undefined) {
      const seconds = parseDuration(b.ttl, 'ttl');
      if (seconds < MIN_HOLD_SECONDS || seconds > MAX_HOLD_SECONDS) throw invalid('ttl', 'must be between 10m and 15m');
      hold.ttlSeconds = seconds;
    } else if (b.ttlSeconds !== undefined) hold.ttlSeconds = b.ttlSeconds;
    if (b.storeId) {
      await getStore(deps.db, supplierId, b.storeId).catch(() => { throw invalid('storeId', `no store "${b.storeId}"`); });
      hold.storeId = b.storeId;
    }
    const view = await deps.engine.createHold(supplierId, hold);
    return reply.status(201).send(await getHold(deps.db, supplierId, view.id));
  });

  app.post('/v1/holds/:id/release', {
    schema: { tags: ['holds'], summary: 'Release a hold now (its units return to atp)', params: idParams, response: responses({ 200: HoldSchema }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const view = await deps.engine.releaseHold(supplierId, (request.params as { id: string }).id);
    return getHold(deps.db, supplierId, view.id);
  });

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
    const supplierId = principalOf(request).supplierId;
    const hold = await getHold(deps.db, supplierId, (request.params as { id: string }).id);
    const b = request.body as { platformOrderId: string; storeId?: string; name?: string; email?: string | null; lines?: { sku: string; quantity: number }[] };
    const storeId = b.storeId ?? hold.storeId;
    if (!storeId) throw invalid('storeId', 'is required: the hold names no store');
    await getStore(deps.db, supplierId, storeId).catch(() => { throw invalid('storeId', `no store "${storeId}"`); });
    const order: OrderInput = {
      platformOrderId: b.platformOrderId,
      holdId: hold.id,
      lines: (b.lines ?? [{ sku: hold.sku, quantity: hold.quantity }]).map((l, i) => ({ sku: normaliseSku(l.sku, `lines[${i}].sku`), quantity: l.quantity })),
    };
    if (b.name !== undefined) order.name = b.name;
    if (b.email !== undefined) order.email = b.email;
    const result = await deps.engine.submitOrder(supplierId, storeId, order, 'api');
    return reply.status(result.duplicate ? 200 : 201).send(result);
  });
}
