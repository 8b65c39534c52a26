/**
 * The supplier's web dashboard as a Fastify plugin: the SPA bundle, session sign-in, read-only aggregate
 * endpoints, the rules preview, store connection, live events, and the API's /v1 routes at /web/api/v1 under
 * the signed-in session (the same handlers and commands as /v1, with the session's key). Errors answer with
 * the API's one error body.
 *
 * @example
 *   const app = await buildApp({ ..., extend: (app, mountApi) => { registerWeb(app, { db, clock, commands, engine, mountApi }); } });
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { installErrorHandler } from '../../http/errors.ts';
import { installAuth } from '../../http/auth.ts';
import type { Principal, WebDeps } from '../types.ts';
import { registerApiRoutes } from './api.ts';
import { keyAuthenticator, registerSessionRoutes, sessionKey } from './auth.ts';
import { registerConnect } from './connect.ts';
import { registerEvents } from './events.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';
import { DEFAULT_DIST, registerStatic } from './static.ts';

export interface WebHandle {
  sessions: SessionStore;
  /** The principal of a request's dashboard session cookie, or null; for an HTTP auth that wants to accept it. */
  resolveSession(request: FastifyRequest): Principal | null;
}

export function registerWeb(app: FastifyInstance, deps: WebDeps): WebHandle {
  const sessions = createSessionStore(deps.clock, deps.sessionTtlMs ?? 12 * 3_600_000, deps.secureCookie ?? false);
  void app.register(async (web) => {
    installErrorHandler(web);
    // Dashboard routes are not part of the public API: keep them out of /openapi.json.
    web.addHook('onRoute', (route) => {
      route.schema = { ...(route.schema ?? {}), hide: true };
    });
    registerSessionRoutes(web, deps, sessions);
    registerApiRoutes(web, deps, sessions);
    const { mountApi } = deps;
    if (mountApi) {
      await web.register(async (api) => {
        installAuth(api, deps.db, sessionKey(sessions));
        mountApi(api);
      }, { prefix: '/web/api' });
    }
    registerConnect(web, deps, sessions);
    registerEvents(web, deps, sessions);
    registerStatic(web, { distDir: deps.distDir ?? DEFAULT_DIST, buildOnDemand: deps.buildOnDemand ?? true });
  });
  return {
    sessions,
    resolveSession: (request) => sessions.resolve(request)?.principal ?? null,
  };
}

export { buildBundle, isReserved, RESERVED_PREFIXES } from './static.ts';
export { keyAuthenticator };
