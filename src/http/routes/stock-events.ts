/**
 * Stock events from the supplier's inventory system. Up to 1,000 per request; each event gets its own result.
 * Events are validated one by one by the engine (so one bad event never blocks the rest), hence the loose item
 * schema here: only the batch shape is checked up front.
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf } from '../auth.ts';
import { responses } from '../schemas.ts';

export const MAX_EVENTS_PER_REQUEST = 1000;

const EVENT_DOC = [
  'Each event: id (idempotency key), sku, location, kind "set" (quantity: absolute on-hand >= 0) or "adjust" (delta: signed change),',
  'occurredAt (ISO 8601), optional source and reason. Invalid events come back with status "invalid" and a reason naming the field;',
  'the valid ones are applied.',
].join(' ');

const ResultSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['applied', 'duplicate', 'stale', 'invalid'] },
          reason: { type: 'string' },
          createdSku: { type: 'boolean' },
        },
      },
    },
    applied: { type: 'integer' }, duplicate: { type: 'integer' }, stale: { type: 'integer' }, invalid: { type: 'integer' },
    createdSkus: { type: 'array', items: { type: 'string' } },
  },
} as const;

export function stockEventRoutes(app: TypedApp, deps: RouteDeps): void {
  const max = deps.maxEventsPerRequest ?? MAX_EVENTS_PER_REQUEST;
  app.post('/v1/stock-events', {
    schema: {
      tags: ['stock'], summary: `Apply up to ${max} stock events; a result per event`, description: EVENT_DOC,
      body: {
        type: 'object', required: ['events'], additionalProperties: false,
        properties: {
          events: {
            type: 'array', minItems: 1, maxItems: max,
            items: { description: 'A stock event (see the operation description); validated per event' },
          },
        },
        examples: [{ events: [{ id: 'evt-1', sku: 'TSHIRT-M', location: 'main', kind: 'set', quantity: 500, occurredAt: '2026-11-26T10:00:00Z', source: 'wms' }] }],
      },
      response: responses({ 200: ResultSchema }),
    },
  }, async (request) => deps.commands.stock.record(actorOf(request), request.body.events));
}
