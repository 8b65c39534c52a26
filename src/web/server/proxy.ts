/**
 * /web/api/v1/* -> /v1/*: the SPA calls the supplier API with its session cookie; the plugin forwards the call
 * in-process with the Bearer key held in the session. The HTTP auth therefore stays Bearer-only and the key never
 * reaches browser JavaScript. Mutations need the session's CSRF token (requireSession checks it).
 */
import type { FastifyInstance } from 'fastify';
import { requireSession } from './auth.ts';
import type { SessionStore } from './sessions.ts';

export function registerProxy(app: FastifyInstance, sessions: SessionStore): void {
  app.all('/web/api/v1/*', { preHandler: requireSession(sessions) }, async (request, reply) => {
    const session = request.webSession!;
    const target = request.url.replace(/^\/web\/api\/v1/, '/v1');
    const headers: Record<string, string> = { authorization: `Bearer ${session.key}` };
    const ct = request.headers['content-type'];
    if (ct) headers['content-type'] = ct;
    const idem = request.headers['idempotency-key'];
    if (typeof idem === 'string') headers['idempotency-key'] = idem;
    const res = await app.inject({
      method: request.method as 'GET',
      url: target,
      headers,
      ...(request.body !== undefined && request.method !== 'GET' ? { payload: JSON.stringify(request.body) } : {}),
    });
    void reply.code(res.statusCode).header('cache-control', 'no-store');
    const type = res.headers['content-type'];
    if (type) void reply.header('content-type', type);
    return reply.send(res.rawPayload);
  });
}
