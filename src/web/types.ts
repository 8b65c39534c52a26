/**
 * Terms:
 * - principal: who a request acts for: the supplier's admin (all of that supplier's data) or one retailer
 *   (only that retailer's stores, allocations and conflicts).
 * - session: a random id in an HttpOnly, SameSite=Strict cookie naming a principal held in server memory,
 *   plus a CSRF token the SPA echoes in `X-CSRF-Token` on every mutating request.
 * - live event: an engine notification (desired, pushed, stock, order, conflict) relayed to the browser by SSE.
 * - WebDeps: what the web plugin needs from the composition root; engine, mountApi and authenticate are
 *   optional so the dashboard can run (read-only) before those pieces are wired.
 */
import type { FastifyInstance } from 'fastify';
import type { Commands } from '../app/index.ts';
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';

export interface Principal {
  kind: 'admin' | 'retailer';
  supplierId: string;
  /** Set for retailer principals. */
  retailerId?: string;
  keyId?: string;
}

export interface Session {
  id: string;
  principal: Principal;
  csrf: string;
  /** The key the user signed in with, kept server-side only so /web/api/v1 authenticates with it. */
  key: string;
  expiresAt: number;
}

/** The subset of the engine's emitter the dashboard listens to. */
export interface EngineEvents {
  on(event: LiveEventType, listener: (payload: unknown) => void): unknown;
  off?(event: LiveEventType, listener: (payload: unknown) => void): unknown;
  removeListener?(event: LiveEventType, listener: (payload: unknown) => void): unknown;
}

export type LiveEventType = 'desired' | 'pushed' | 'stock' | 'order' | 'conflict';
export const LIVE_EVENT_TYPES: readonly LiveEventType[] = ['desired', 'pushed', 'stock', 'order', 'conflict'];

export interface WebDeps {
  db: Db;
  clock: Clock;
  /** The application layer: connecting a store writes through it. */
  commands: Commands;
  engine?: EngineEvents | undefined;
  /**
   * Registers the API's /v1 routes on a scope (from buildApp); the dashboard serves them at /web/api/v1 under
   * the session's key. Without it the dashboard is read-only.
   */
  mountApi?: ((scope: FastifyInstance) => void) | undefined;
  /** Resolves an API key or retailer token to a principal; defaults to a lookup of its SHA-256 in api_keys. */
  authenticate?: ((key: string) => Promise<Principal | null>) | undefined;
  /** Where the built bundle lives; default <repo>/dist/web. */
  distDir?: string | undefined;
  /** Build the bundle on first request when it is missing (default true). */
  buildOnDemand?: boolean | undefined;
  /** Session lifetime in ms (default 12 h). */
  sessionTtlMs?: number | undefined;
  /** Public base URL stores deliver webhooks to (default: the request's origin). */
  publicUrl?: string | undefined;
  /** Mark the cookie Secure (default false; the configuration sets it when NODE_ENV is production). */
  secureCookie?: boolean | undefined;
}
