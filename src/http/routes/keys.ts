/** Who am I, and supplier admin keys (retailer tokens live under /v1/retailers/{id}/tokens). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { idParams, nullable, responses } from '../schemas.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/admin/api-keys.ts';

export const ApiKeySchema = {
  type: 'object',
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
  type: 'object',
  properties: { key: { type: 'string', description: 'The secret; shown only this once' }, apiKey: ApiKeySchema },
} as const;

export const labelBody = {
  type: 'object', additionalProperties: false,
  properties: { label: { type: 'string', maxLength: 200 } },
} as const;

export function keyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/me', {
    config: { access: 'retailer' },
    schema: {
      tags: ['keys'], summary: 'The caller: supplier, key kind and (for a retailer token) the retailer',
      response: responses({
        200: { type: 'object', properties: { supplierId: { type: 'string' }, kind: { type: 'string' }, retailerId: nullable({ type: 'string' }), keyId: { type: 'string' } } },
      }),
    },
  }, async (request) => principalOf(request));

  app.get('/v1/keys', {
    schema: { tags: ['keys'], summary: 'Every admin key and retailer token (hashes are never shown)', response: responses({ 200: { type: 'array', items: ApiKeySchema } }) },
  }, async (request) => listApiKeys(deps.db, principalOf(request).supplierId));

  app.post('/v1/keys', {
    schema: { tags: ['keys'], summary: 'Create a supplier admin key', body: labelBody, response: responses({ 201: NewKeySchema }) },
  }, async (request, reply) => {
    const body = (request.body ?? {}) as { label?: string };
    const out = await createApiKey(deps.db, { supplierId: principalOf(request).supplierId, label: body.label ?? null }, deps.now());
    return reply.status(201).send(out);
  });

  app.delete('/v1/keys/:id', {
    schema: { tags: ['keys'], summary: 'Revoke an admin key or retailer token', params: idParams, response: responses({ 200: ApiKeySchema }) },
  }, async (request) => revokeApiKey(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id, deps.now()));
}
