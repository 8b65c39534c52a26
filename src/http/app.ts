/**
 * The HTTP API: `buildApp` returns a ready Fastify instance (not listening). Every route has JSON schemas for
 * its params, query, body and responses; handlers get request types derived from them, and /openapi.json and
 * /docs are generated from them. Handlers read through the store's read functions and write through the
 * application layer's commands. `/` is left free for the dashboard.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DropsyncError } from '../domain/errors.ts';
import { bearerKey, installAuth, installSecurityHeaders } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import { createValidatorCompiler } from './validation.ts';
import { installHttpMetrics } from './metrics.ts';
import type { BuildAppOptions, RouteDeps } from './types.ts';
import { healthRoutes } from './routes/health.ts';
import { keyRoutes } from './routes/keys.ts';
import { locationRoutes } from './routes/locations.ts';
import { skuRoutes } from './routes/skus.ts';
import { stockEventRoutes } from './routes/stock-events.ts';
import { ruleRoutes } from './routes/rules.ts';
import { retailerRoutes } from './routes/retailers.ts';
import { storeRoutes } from './routes/stores.ts';
import { listingRoutes } from './routes/listings.ts';
import { orderRoutes } from './routes/orders.ts';
import { holdRoutes } from './routes/holds.ts';
import { conflictRoutes } from './routes/conflicts.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { connectShopifyRoutes } from './routes/connect-shopify.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The /v1 routes, on whatever scope authenticates them (the API's bearer keys, or the dashboard's session). */
export function v1Routes(scope: FastifyInstance, deps: RouteDeps): void {
  const app = scope.withTypeProvider<JsonSchemaToTsProvider>();
  keyRoutes(app, deps);
  locationRoutes(app, deps);
  skuRoutes(app, deps);
  stockEventRoutes(app, deps);
  ruleRoutes(app, deps);
  retailerRoutes(app, deps);
  storeRoutes(app, deps);
  listingRoutes(app, deps);
  orderRoutes(app, deps);
  holdRoutes(app, deps);
  conflictRoutes(app, deps);
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit,
  });

  // Every registered route, so tests can check that /openapi.json documents all of them.
  const routeTable: { method: string; url: string }[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });
  installErrorHandling(app);
  installBodyParsers(app, bodyLimit);
  installSecurityHeaders(app);
  if (opts.metricsRegistry) installHttpMetrics(app, opts.metricsRegistry);
  app.addSchema(ErrorSchema);
  app.setValidatorCompiler(createValidatorCompiler());

  await app.register(swagger, {
    openapi: {
      info: { title: 'dropsync API', version: opts.version ?? '0.1.0', description: 'Real-time inventory sync for dropshipping suppliers' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'dsk_... admin key or dsr_... retailer token' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const deps: RouteDeps = { ...opts, now: () => new Date(opts.clock.now()) };
  // The API in a scope of its own, so its authentication (bearer keys) covers its routes and nothing else.
  await app.register(async (api) => {
    installAuth(api, opts.db, bearerKey);
    const typed = api.withTypeProvider<JsonSchemaToTsProvider>();
    healthRoutes(typed, deps);
    webhookRoutes(typed, deps);
    connectShopifyRoutes(typed, deps);
    v1Routes(api, deps);
    api.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  });
  // Plugins outside the API (the dashboard at /) are mounted before the app is sealed by ready().
  if (opts.extend) await opts.extend(app, (scope) => v1Routes(scope, deps));
  await app.ready();
  return app;
}

/**
 * JSON is parsed from a Buffer we keep, because webhook signatures are computed over the exact bytes. CSV is
 * accepted as text for imports. Webhook routes also take any other type raw (WooCommerce's form-encoded ping).
 */
function installBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.decorateRequest('rawBody', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    const buf = body as Buffer;
    const isWebhook = request.url.startsWith('/webhooks/');
    if (isWebhook) request.rawBody = buf;
    if (buf.length === 0) {
      if (isWebhook) return done(null, {});
      return done(new DropsyncError('invalid', 'must not be empty', 'body'), undefined);
    }
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch {
      done(new DropsyncError('invalid', 'is not valid JSON', 'body'), undefined);
    }
  });
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    if (request.url.startsWith('/webhooks/')) {
      request.rawBody = body as Buffer;
      return done(null, {});
    }
    // Same code as Fastify's own, so the error mapper answers 415 for both.
    const err = Object.assign(new Error(`unsupported content type "${request.headers['content-type'] ?? ''}"`), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    done(err, undefined);
  });
}
