/** Supplier stock locations; only `shared` ones count toward what retailers can be shown. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { invalid } from '../../domain/errors.ts';
import { principalOf } from '../auth.ts';
import { id, idParams, okSchema, responses } from '../schemas.ts';
import { createLocation, deleteLocation, getLocation, listLocations, updateLocation } from '../../store/admin/locations.ts';

const LocationSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, shared: { type: 'boolean' } },
} as const;

export function locationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/locations', {
    schema: { tags: ['locations'], summary: 'List locations', response: responses({ 200: { type: 'array', items: LocationSchema } }) },
  }, async (request) => listLocations(deps.db, principalOf(request).supplierId));

  app.post('/v1/locations', {
    schema: {
      tags: ['locations'], summary: 'Create a location',
      body: {
        type: 'object', required: ['id'], additionalProperties: false,
        properties: { id, name: { type: 'string', minLength: 1, maxLength: 200 }, shared: { type: 'boolean', default: true } },
      },
      response: responses({ 201: LocationSchema }),
    },
  }, async (request, reply) => {
    const b = request.body as { id: string; name?: string; shared: boolean };
    // Location ids are matched exactly after trimming, like SKUs.
    const locId = b.id.trim();
    if (locId === '') throw invalid('id', 'must not be empty');
    const loc = await createLocation(deps.db, principalOf(request).supplierId, { id: locId, name: b.name ?? locId, shared: b.shared ?? true });
    return reply.status(201).send(loc);
  });

  app.get('/v1/locations/:id', {
    schema: { tags: ['locations'], summary: 'Get a location', params: idParams, response: responses({ 200: LocationSchema }) },
  }, async (request) => getLocation(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id));

  app.patch('/v1/locations/:id', {
    schema: {
      tags: ['locations'], summary: 'Rename a location or change whether it is shared (recomputes affected SKUs)', params: idParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, shared: { type: 'boolean' } },
      },
      response: responses({ 200: LocationSchema }),
    },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { location, changedSkus } = await updateLocation(deps.db, supplierId, (request.params as { id: string }).id, request.body as { name?: string; shared?: boolean }, deps.now());
    if (changedSkus.length > 0) await deps.engine.recompute(supplierId, changedSkus);
    return location;
  });

  app.delete('/v1/locations/:id', {
    schema: { tags: ['locations'], summary: 'Delete a location that holds no stock', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await deleteLocation(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id);
    return { ok: true };
  });
}
