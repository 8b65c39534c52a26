/**
 * Bearer-key authentication. Keys are looked up by SHA-256 hash, so comparison time says nothing about the key.
 * Every /v1 route is admin-only unless its config says `access: 'retailer'`; public routes say `access: 'public'`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DropsyncError } from '../domain/errors.ts';
import { findPrincipal } from '../store/admin/api-keys.ts';
import type { Db } from '../store/types.ts';
import type { Principal } from '../store/admin/types.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function installAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    // Unknown routes answer 404 whatever the key; the not-found handler has no route config.
    if (!request.routeOptions.url) return;
    const access = request.routeOptions.config?.access ?? (request.url.startsWith('/v1/') ? 'admin' : 'public');
    if (access === 'public') return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw new DropsyncError('unauthorized', 'send Authorization: Bearer <key>', 'authorization');
    const principal = await findPrincipal(db, match[1]!);
    if (!principal) throw new DropsyncError('unauthorized', 'unknown or revoked key', 'authorization');
    request.principal = principal;
    if (access === 'admin' && principal.kind !== 'admin') {
      throw new DropsyncError('unauthorized', 'this route needs a supplier admin key', 'authorization');
    }
  });
}

/** API answers may carry secrets (a new key is shown once): never cache them, never sniff their type. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/v1/') || request.url.startsWith('/webhooks/')) {
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
    }
    return payload;
  });
}

/** The authenticated caller; routes behind auth always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new DropsyncError('unauthorized', 'not authenticated', 'authorization');
  return request.principal;
}

/** The retailer a read must be limited to: the token's retailer, or null (no limit) for an admin. */
export function retailerScope(request: FastifyRequest): string | null {
  const p = principalOf(request);
  return p.kind === 'retailer' ? p.retailerId : null;
}

/** For routes naming a retailer: a retailer token may only name its own; another one looks like it does not exist. */
export function assertRetailerVisible(request: FastifyRequest, retailerId: string): void {
  const scope = retailerScope(request);
  if (scope !== null && scope !== retailerId) throw new DropsyncError('not_found', `no retailer "${retailerId}"`, 'id');
}
