/**
 * Authentication of the API's routes. Each route says who may call it in `config.access`: `public` (health,
 * docs, webhooks), `retailer` (admin keys and retailer tokens; handlers then scope every read to the token's
 * retailer) or, by default, `admin` (supplier keys only). The key comes from the `Authorization: Bearer`
 * header on the API itself, or from the signed-in session where the dashboard mounts the same routes; either
 * way it is looked up by its SHA-256 hash on every request, so a revoked key stops working at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DropsyncError } from '../domain/errors.ts';
import { findPrincipal } from '../store/admin/api-keys.ts';
import type { Db } from '../store/types.ts';
import type { Principal } from '../store/admin/types.ts';
import type { Actor } from '../app/index.ts';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Where a request's key comes from; throws DropsyncError('unauthorized') when there is none. */
export type KeySource = (request: FastifyRequest) => string | Promise<string>;

/** The key of `Authorization: Bearer <key>`. */
export const bearerKey: KeySource = (request) => {
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  if (!key) throw new DropsyncError('unauthorized', 'send Authorization: Bearer <key>', 'authorization');
  return key;
};

/** Authenticates every non-public route of `scope` (and the scopes inside it) with keys from `keyOf`. */
export function installAuth(scope: FastifyInstance, db: Db, keyOf: KeySource): void {
  scope.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access ?? 'admin';
    if (access === 'public') return;
    const principal = await findPrincipal(db, await keyOf(request));
    if (!principal) throw new DropsyncError('unauthorized', 'unknown or revoked key', 'authorization');
    request.principal = principal;
    if (access === 'admin' && principal.kind !== 'admin') {
      throw new DropsyncError('forbidden', 'this route needs a supplier admin key', 'authorization');
    }
  });
}

/** API answers may carry secrets (a new key is shown once): never cache them, never sniff their type. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/v1/') || request.url.startsWith('/webhooks/') || request.url.startsWith('/web/api/')) {
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

/** Who the request acts for: its supplier, and the retailer a retailer token is limited to (null for an admin). */
export function actorOf(request: FastifyRequest): Actor {
  const p = principalOf(request);
  return { supplierId: p.supplierId, retailerId: p.kind === 'retailer' ? p.retailerId : null };
}

/** The retailer a read must be limited to: the token's retailer, or null (no limit) for an admin. */
export function retailerScope(request: FastifyRequest): string | null {
  return actorOf(request).retailerId;
}

/** For routes naming a retailer: a retailer token may only name its own; another one looks like it does not exist. */
export function assertRetailerVisible(request: FastifyRequest, retailerId: string): void {
  const scope = retailerScope(request);
  if (scope !== null && scope !== retailerId) throw new DropsyncError('not_found', `no retailer "${retailerId}"`, 'id');
}
