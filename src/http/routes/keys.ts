/** Who am I, and supplier admin keys (retailer tokens live under /v1/retailers/{id}/tokens). */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf } from '../auth.ts';
import { idParams, nullable, responses } from '../schemas.ts';
import { listApiKeys } from '../../store/admin/index.ts';

export const ApiKeySchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['admin', 'retailer'] },
    retailerId: nullable({ type: 'string' }),
    label: nullable({ type: 'string' }),
    createdAt: { type: 'string' },
    revokedAt: nullable({ type: 'string' }),
  },
} as const;

export const NewKeySchema = {
  type: 'object', additionalProperties: false,
  properties: { key: { type: 'string', description: 'The secret; shown only this once' }, apiKey: ApiKeySchema },
} as const;

export const labelBody = {
  type: 'object', additionalProperties: false,
  properties: { label: { type: 'string', maxLength: 200 } },
} as const;

export function keyRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/me', {
    config: { access: 'retailer' },
    schema: {
      tags: ['keys'], summary: 'The caller: supplier, key kind and (for a retailer token) the retailer',
      response: responses({
        200: { type: 'object', additionalProperties: false, properties: { supplierId: { type: 'string' }, kind: { type: 'string' }, retailerId: nullable({ type: 'string' }), keyId: { type: 'string' } } },
      }),
    },
  }, async (request) => principalOf(request));

  app.get('/v1/keys', {
    schema: { tags: ['keys'], summary: 'Every admin key and retailer token (hashes are never shown)', response: responses({ 200: { type: 'array', items: ApiKeySchema } }) },
  }, async (request) => listApiKeys(db, principalOf(request).supplierId));

  app.post('/v1/keys', {
    schema: { tags: ['keys'], summary: 'Create a supplier admin key', body: labelBody, response: responses({ 201: NewKeySchema }) },
  }, async (request, reply) => reply.status(201).send(await commands.keys.create(actorOf(request), { label: request.body.label ?? null })));

  app.delete('/v1/keys/:id', {
    schema: { tags: ['keys'], summary: 'Revoke an admin key or retailer token', params: idParams, response: responses({ 200: ApiKeySchema }) },
  }, async (request) => commands.keys.revoke(actorOf(request), request.params.id));
}
