/** Supplier stock locations; only `shared` ones count toward what retailers can be shown. */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf } from '../auth.ts';
import { id, idParams, okSchema, responses } from '../schemas.ts';
import { getLocation, listLocations } from '../../store/admin/index.ts';

const LocationSchema = {
  type: 'object', additionalProperties: false,
  properties: { id: { type: 'string' }, name: { type: 'string' }, shared: { type: 'boolean' } },
} as const;

export function locationRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/locations', {
    schema: { tags: ['locations'], summary: 'List locations', response: responses({ 200: { type: 'array', items: LocationSchema } }) },
  }, async (request) => listLocations(db, principalOf(request).supplierId));

  app.post('/v1/locations', {
    schema: {
      tags: ['locations'], summary: 'Create a location',
      body: {
        type: 'object', required: ['id'], additionalProperties: false,
        properties: { id, name: { type: 'string', minLength: 1, maxLength: 200 }, shared: { type: 'boolean', default: true } },
      },
      response: responses({ 201: LocationSchema }),
    },
  }, async (request, reply) => reply.status(201).send(await commands.locations.create(actorOf(request), request.body)));

  app.get('/v1/locations/:id', {
    schema: { tags: ['locations'], summary: 'Get a location', params: idParams, response: responses({ 200: LocationSchema }) },
  }, async (request) => getLocation(db, principalOf(request).supplierId, request.params.id));

  app.patch('/v1/locations/:id', {
    schema: {
      tags: ['locations'], summary: 'Rename a location or change whether it is shared (recomputes affected SKUs)', params: idParams,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, shared: { type: 'boolean' } },
      },
      response: responses({ 200: LocationSchema }),
    },
  }, async (request) => commands.locations.update(actorOf(request), request.params.id, request.body));

  app.delete('/v1/locations/:id', {
    schema: { tags: ['locations'], summary: 'Delete a location that holds no stock', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.locations.remove(actorOf(request), request.params.id);
    return { ok: true };
  });
}
