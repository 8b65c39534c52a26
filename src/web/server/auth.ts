/**
 * Sign-in: an admin key or retailer token becomes a session; the key itself stays on the server. Every
 * dashboard request then proves its session (and, when it changes something, the session's CSRF token); the
 * /v1 routes mounted under /web/api take their key from the session (sessionKey).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { DropsyncError } from '../../domain/errors.ts';
import type { KeySource } from '../../http/auth.ts';
import { findPrincipal } from '../../store/admin/index.ts';
import type { Db } from '../../store/types.ts';
import { principalName } from '../../store/views/names.ts';
import type { Principal, Session, WebDeps } from '../types.ts';
import { checkCsrf, refuseCrossSite, type SessionStore } from './sessions.ts';

/** Default key lookup: the key's SHA-256 hash among the unrevoked api_keys (the scheme src/security uses). */
export function keyAuthenticator(db: Db) {
  return async (key: string): Promise<Principal | null> => {
    const p = await findPrincipal(db, key);
    if (!p) return null;
    if (p.kind === 'admin') return { kind: 'admin', supplierId: p.supplierId, keyId: p.keyId };
    return p.retailerId ? { kind: 'retailer', supplierId: p.supplierId, retailerId: p.retailerId, keyId: p.keyId } : null;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    webSession?: Session;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The request's live session, checked for CSRF when the request changes state; throws when there is none. */
export function sessionOf(sessions: SessionStore, request: FastifyRequest): Session {
  const session = sessions.resolve(request);
  if (!session) throw new DropsyncError('unauthorized', 'sign in first', 'session');
  if (MUTATING.has(request.method)) checkCsrf(request, session);
  request.webSession = session;
  return session;
}

/** preHandler for /web/api/* and /web/events: a live session, and the CSRF token on anything that changes state. */
export function requireSession(sessions: SessionStore) {
  return async (request: FastifyRequest) => {
    sessionOf(sessions, request);
  };
}

/** The /v1 routes under /web/api authenticate with the key the session was opened with. */
export const sessionKey = (sessions: SessionStore): KeySource => (request) => sessionOf(sessions, request).key;

/** The session of a request that passed requireSession. */
export function sessionFrom(request: FastifyRequest): Session {
  if (!request.webSession) throw new DropsyncError('unauthorized', 'sign in first', 'session');
  return request.webSession;
}

/** The session, when it is a supplier admin's; forbidden otherwise. */
export function requireAdmin(request: FastifyRequest): Session {
  const s = sessionFrom(request);
  if (s.principal.kind !== 'admin') throw new DropsyncError('forbidden', 'supplier admin key required', 'session');
  return s;
}

export function registerSessionRoutes(scope: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const app = scope.withTypeProvider<JsonSchemaToTsProvider>();
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
    refuseCrossSite(request);
    const key = request.body.key.trim();
    const principal = await authenticate(key);
    if (!principal) throw new DropsyncError('unauthorized', 'unknown or revoked key', 'key');
    const session = sessions.create(principal, key);
    void reply.header('set-cookie', sessions.cookie(session)).header('cache-control', 'no-store');
    return { principal: await publicPrincipal(deps.db, principal), csrf: session.csrf };
  });

  app.get('/web/session', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const session = sessions.resolve(request);
    if (!session) throw new DropsyncError('unauthorized', 'not signed in', 'session');
    return { principal: await publicPrincipal(deps.db, session.principal), csrf: session.csrf };
  });

  app.delete('/web/session', async (request, reply) => {
    const session = sessions.resolve(request);
    if (session) {
      checkCsrf(request, session);
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
