/**
 * Terms:
 * - principal: who a bearer key belongs to: an admin of one supplier, or one retailer of that supplier.
 * - access: what a route allows: `public` (health, docs), `admin` (supplier keys only, the default under /v1)
 *   or `retailer` (admin keys and retailer tokens; handlers then scope every read to the token's retailer).
 * - raw body: the exact request bytes, kept for webhook routes whose HMAC is computed over them.
 * - engine: the part of src/engine the API calls (HttpEngine); src/app.ts adapts the real engine to it.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import type { Principal } from '../store/admin/types.ts';
import type { CredentialSealer } from '../security/types.ts';
import type { HttpEngine } from './engine-port.ts';
import type { ShopifyAppConfig } from '../connectors/shopify/app.ts';

export type Access = 'public' | 'admin' | 'retailer';

export interface BuildAppOptions {
  db: Db;
  engine: HttpEngine;
  clock: Clock;
  /** Seals store credentials before they reach the database. */
  sealer: CredentialSealer;
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
  /** dropsync's Shopify app (client id/secret, public URL, shop URLs); default from the environment. */
  shopifyApp?: ShopifyAppConfig;
  /** Mounts more routes (e.g. the dashboard at `/`) before the app is made ready. */
  extend?: (app: FastifyInstance) => void | Promise<void>;
}

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
