/**
 * Terms:
 * - principal: who a bearer key belongs to: an admin of one supplier, or one retailer of that supplier.
 * - access: what a route allows: `public` (health, docs), `admin` (supplier keys only, the default under /v1)
 *   or `retailer` (admin keys and retailer tokens; handlers then scope every read to the token's retailer).
 * - raw body: the exact request bytes, kept for webhook routes whose HMAC is computed over them.
 * - commands: the application layer (src/app) every write goes through; reads use the store's read
 *   functions directly.
 */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import type { Principal } from '../store/admin/types.ts';
import type { Commands } from '../app/index.ts';

export type Access = 'public' | 'admin' | 'retailer';

export interface BuildAppOptions {
  db: Db;
  clock: Clock;
  /** The application layer the routes call for every write. */
  commands: Commands;
  /** A pino logger; omitted: silent. */
  logger?: FastifyBaseLogger;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Largest stock-event batch. Default 1000. */
  maxEventsPerRequest?: number;
  /** Prometheus text exposition for /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Where request count/latency metrics are registered (normally the engine's registry, served at /metrics). */
  metricsRegistry?: Registry;
  version?: string;
  /**
   * Mounts more routes (e.g. the dashboard at `/`) before the app is made ready. `mountApi` registers the
   * /v1 routes on another scope, for a plugin that serves them under its own authentication.
   */
  extend?: (app: FastifyInstance, mountApi: ApiMount) => void | Promise<void>;
}

/** Registers the /v1 routes on `scope` (which must authenticate them: see installAuth). */
export type ApiMount = (scope: FastifyInstance) => void;

/** What route modules get. */
export interface RouteDeps extends BuildAppOptions {
  /** The clock's time as a Date, for timestamps written by this request. */
  now(): Date;
}

/** A Fastify instance whose route handlers get request types derived from their JSON schemas. */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, JsonSchemaToTsProvider>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered (method + url pattern). */
    routeTable: { method: string; url: string }[];
  }
  interface FastifyRequest {
    principal: Principal | null;
    rawBody: Buffer | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
