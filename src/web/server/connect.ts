/**
 * POST /web/api/stores/:id/connect: connecting a store from the dashboard, as the signed-in admin, with the
 * credentials the user just typed into the connect form. Discovery and the mapping it writes are the
 * application's `stores.discover` command (src/app/discovery.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { WebDeps } from '../types.ts';
import { requireAdmin, requireSession } from './auth.ts';
import type { SessionStore } from './sessions.ts';

export type { MappingIssue } from '../../app/discovery.ts';

export function registerConnect(scope: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const app = scope.withTypeProvider<JsonSchemaToTsProvider>();
  app.post('/web/api/stores/:id/connect', {
    preHandler: requireSession(sessions),
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } },
      body: {
        type: 'object', required: ['credentials'], additionalProperties: false,
        properties: { credentials: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 4096 } } },
      },
    },
  }, async (request) => {
    const { principal } = requireAdmin(request);
    const { id } = request.params;
    return deps.commands.stores.discover({ supplierId: principal.supplierId, retailerId: null }, id, request.body.credentials,
      (platform) => `${hookBase(request, deps)}/webhooks/${platform}/${encodeURIComponent(id)}`);
  });
}

/** Public base URL for webhook subscriptions: the configured one (--public-url) when set, else this request's origin. */
function hookBase(request: FastifyRequest, deps: WebDeps): string {
  return (deps.publicUrl ?? `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`).replace(/\/+$/, '');
}
