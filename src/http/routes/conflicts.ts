/** Conflicts: order units that lost the race for the last units, with their cost and what was done about them. */
import type { RouteDeps, TypedApp } from '../types.ts';
import { principalOf, retailerScope } from '../auth.ts';
import { idParams, nextCursor, nullable, pageQuery, responses } from '../schemas.ts';
import { getConflict, listConflicts, timeCursor } from '../../store/admin/index.ts';

const ConflictSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' }, orderId: { type: 'string' }, storeId: nullable({ type: 'string' }), retailerId: nullable({ type: 'string' }),
    sku: { type: 'string' }, short: { type: 'integer' }, cost: { type: 'number' }, action: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'done', 'failed'] }, detail: nullable({ type: 'string' }), code: nullable({ type: 'string' }),
    createdAt: { type: 'string' }, resolvedAt: nullable({ type: 'string' }),
  },
} as const;

export function conflictRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get('/v1/conflicts', {
    config: { access: 'retailer' },
    schema: {
      tags: ['conflicts'], summary: 'List conflicts, newest first, with the total count and cost',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { status: { type: 'string', enum: ['pending', 'done', 'failed'] }, storeId: { type: 'string' }, ...pageQuery },
      },
      response: responses({
        200: {
          type: 'object', additionalProperties: false,
          properties: { items: { type: 'array', items: ConflictSchema }, next: nullable({ type: 'string' }), totalCount: { type: 'integer' }, totalCost: { type: 'number' } },
        },
      }),
    },
  }, async (request) => {
    const q = request.query;
    const out = await listConflicts(deps.db, principalOf(request).supplierId, { ...q, retailerId: retailerScope(request) });
    return { ...out, next: nextCursor(out.items, q.limit, (c) => timeCursor(c.createdAt, c.id)) };
  });

  app.get('/v1/conflicts/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['conflicts'], summary: 'Get a conflict', params: idParams, response: responses({ 200: ConflictSchema }) },
  }, async (request) => getConflict(deps.db, principalOf(request).supplierId, request.params.id, retailerScope(request)));
}
