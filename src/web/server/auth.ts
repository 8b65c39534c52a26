/** Sign-in: an admin key or retailer token becomes a session; the key itself stays on the server. */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../store/types.ts';
import type { Principal, Session, WebDeps } from '../types.ts';
import { findApiKeyByHash } from '../../store/views/api-key.ts';
import { principalName } from '../../store/views/names.ts';
import { checkCsrf, type SessionStore } from './sessions.ts';

/** Default key lookup: SHA-256 hex of the key against api_keys (the scheme src/security uses). */
export function keyAuthenticator(db: Db) {
  return async (key: string): Promise<Principal | null> => {
    const row = await findApiKeyByHash(db, createHash('sha256').update(key, 'utf8').digest('hex'));
    if (!row) return null;
    if (row.kind === 'retailer' && !row.retailer_id) return null;
    return row.kind === 'admin'
      ? { kind: 'admin', supplierId: row.supplier_id, keyId: row.id }
      : { kind: 'retailer', supplierId: row.supplier_id, retailerId: row.retailer_id!, keyId: row.id };
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    webSession?: Session;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** preHandler for /web/api/* and /web/events: a live session, and the CSRF token on anything that changes state. */
export function requireSession(sessions: SessionStore) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const session = sessions.resolve(request);
    if (!session) return reply.code(401).send({ error: 'unauthorized', message: 'sign in first' });
    if (MUTATING.has(request.method) && !checkCsrf(request, reply, session)) return reply;
    request.webSession = session;
  };
}

export function requireAdmin(request: FastifyRequest, reply: FastifyReply): Session | null {
  const s = request.webSession!;
  if (s.principal.kind !== 'admin') {
    void reply.code(403).send({ error: 'forbidden', message: 'supplier admin key required' });
    return null;
  }
  return s;
}

export function registerSessionRoutes(app: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const authenticate = deps.authenticate ?? keyAuthenticator(deps.db);

  app.post('/web/session', {
    schema: {
      body: {
        type: 'object', required: ['key'], additionalProperties: false,
        properties: { key: { type: 'string', minLength: 8, maxLength: 512 } },
      },
    },
  }, async (request, reply) => {
    // A sign-in form posted from another site must not plant a session (login CSRF).
    if (request.headers['sec-fetch-site'] === 'cross-site') return reply.code(403).send({ error: 'forbidden', message: 'cross-site request refused' });
    const { key } = request.body as { key: string };
    const principal = await authenticate(key.trim());
    if (!principal) return reply.code(401).send({ error: 'unauthorized', field: 'key', message: 'unknown or revoked key' });
    const session = sessions.create(principal, key.trim());
    void reply.header('set-cookie', sessions.cookie(session)).header('cache-control', 'no-store');
    return { principal: await publicPrincipal(deps.db, principal), csrf: session.csrf };
  });

  app.get('/web/session', async (request, reply) => {
    const session = sessions.resolve(request);
    void reply.header('cache-control', 'no-store');
    if (!session) return reply.code(401).send({ error: 'unauthorized', message: 'not signed in' });
    return { principal: await publicPrincipal(deps.db, session.principal), csrf: session.csrf };
  });

  app.delete('/web/session', async (request, reply) => {
    const session = sessions.resolve(request);
    if (session) {
      if (!checkCsrf(request, reply, session)) return reply;
      sessions.delete(session.id);
    }
    void reply.header('set-cookie', sessions.clearCookie());
    return reply.code(204).send();
  });
}

async function publicPrincipal(db: Db, p: Principal) {
  const name = await principalName(db, p.supplierId, p.retailerId ?? null);
  return { kind: p.kind, supplierId: p.supplierId, ...(p.retailerId ? { retailerId: p.retailerId } : {}), name };
}
