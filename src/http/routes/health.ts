/** Liveness, readiness (the database answers) and Prometheus metrics; all public. */
import type { RouteDeps, TypedApp } from '../types.ts';
import { ping } from '../../store/index.ts';

const status = { type: 'object', additionalProperties: false, properties: { status: { type: 'string' }, error: { type: 'string' } } } as const;

export function healthRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: status } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Readiness: the database answers a query', security: [], response: { 200: status, 503: status } },
  }, async (_request, reply) => {
    try {
      await ping(deps.db);
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', error: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: {
      tags: ['health'], summary: 'Prometheus metrics (text exposition format)', security: [],
      response: { 200: { type: 'string', description: 'Prometheus text format' } },
    },
  }, async (_request, reply) => {
    if (!deps.metrics) return reply.type('text/plain; version=0.0.4').send('');
    const { contentType, body } = await deps.metrics();
    return reply.type(contentType).send(body);
  });
}
