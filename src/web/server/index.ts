/**
 * The supplier's web dashboard as a Fastify plugin: the SPA bundle, session sign-in, read-only aggregate
 * endpoints, the rules preview, the /v1 proxy and live events.
 *
 * @example
 *   const app = await buildApp(...);
 *   registerWeb(app, { db, clock, engine });
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, WebDeps } from '../types.ts';
import { registerApiRoutes } from './api.ts';
import { keyAuthenticator, registerSessionRoutes } from './auth.ts';
import { registerConnect } from './connect.ts';
import { registerEvents } from './events.ts';
import { registerProxy } from './proxy.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';
import { DEFAULT_DIST, registerStatic } from './static.ts';

export interface WebHandle {
  sessions: SessionStore;
  /** The principal of a request's dashboard session cookie, or null; for an HTTP auth that wants to accept it. */
  resolveSession(request: FastifyRequest): Principal | null;
}

export function registerWeb(app: FastifyInstance, deps: WebDeps): WebHandle {
  const sessions = createSessionStore(
    deps.clock,
    deps.sessionTtlMs ?? 12 * 3_600_000,
    deps.secureCookie ?? false,
  );
  // Dashboard routes are not part of the public API: keep them out of /openapi.json, and let them answer
  // without a Bearer key (they check the session themselves; the SPA fallback must 404 unknown /v1 paths).
  app.addHook('onRoute', (route) => {
    if (route.url !== '/*' && !route.url.startsWith('/web/')) return;
    route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
    route.config = { ...(route.config ?? {}), access: 'public' } as typeof route.config;
  });
  registerSessionRoutes(app, deps, sessions);
  registerApiRoutes(app, deps, sessions);
  registerProxy(app, sessions);
  registerConnect(app, deps, sessions);
  registerEvents(app, deps, sessions);
  registerStatic(app, { distDir: deps.distDir ?? DEFAULT_DIST, buildOnDemand: deps.buildOnDemand ?? true });
  return {
    sessions,
    resolveSession: (request) => sessions.resolve(request)?.principal ?? null,
  };
}

export { buildBundle, isReserved, RESERVED_PREFIXES } from './static.ts';
export { keyAuthenticator };
