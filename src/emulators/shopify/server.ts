/**
 * The emulator's HTTP server (node:http on 127.0.0.1, port 0 by default): the Admin GraphQL endpoint behind
 * `X-Shopify-Access-Token` (tokens from OAuth with their scopes and expiry, or the static token), the OAuth
 * endpoints `/admin/oauth/authorize` and `/admin/oauth/access_token`, and an unauthenticated `/_control` API for
 * tests, the demo and the CLI.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DropsyncError } from '../../domain/errors.ts';
import { systemClock } from '../../clock.ts';
import { CostBucket } from './bucket.ts';
import { BulkOperations } from './bulk.ts';
import { generateCatalog } from './catalog.ts';
import { createControl, type ShopifyControl } from './control.ts';
import { runGraphQL, type Executor } from './graphql.ts';
import { rootValues } from './resolvers.ts';
import { seededRng } from '../../domain/random.ts';
import { shopifySchema } from './schema.ts';
import { approvalPage, OAuthError, OAuthServer } from './oauth.ts';
import { gid, ShopState } from './state.ts';
import type { EmulatorKnobs, RequestLogEntry, ShopifyEmulatorOptions } from './types.ts';
import { WebhookDispatcher } from './webhooks.ts';

export const DEFAULT_API_VERSION = '2026-10';
const MAX_BODY = 5 * 1024 * 1024;

export interface ShopifyEmulator {
  url: string;
  shopDomain: string;
  /** The static token (a legacy custom app's): every scope, never expires. Empty when started with `accessToken: null`. */
  accessToken: string;
  /** The app's credentials: OAuth and webhook signing. */
  clientId: string;
  clientSecret: string;
  /** gid of the primary location. */
  locationId: string;
  control: ShopifyControl;
  close(): Promise<void>;
}

export async function startShopifyEmulator(opts: ShopifyEmulatorOptions = {}): Promise<ShopifyEmulator> {
  shopifySchema(); // load once up front so the first request is not slow
  const clock = opts.clock ?? systemClock;
  const seed = opts.seed ?? 1;
  const catalog = opts.catalog ?? generateCatalog(opts.skus ?? 20, seededRng(seed));
  const state = new ShopState(clock, opts.locations ?? ['Main warehouse'], catalog);
  const knobs: EmulatorKnobs = {
    plan: opts.plan ?? 'standard',
    latencyMs: opts.latencyMs ?? 0,
    loss: opts.webhookLoss ?? 0,
    duplication: opts.webhookDuplication ?? 0,
    delayMs: opts.webhookDelayMs ?? 0,
    timeScale: opts.timeScale ?? 1,
    allowHttpCallbacks: opts.allowHttpCallbacks ?? false,
    bulkDurationMs: opts.bulkDurationMs ?? 1_000,
    redactCustomers: opts.redactCustomers ?? false,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3_600,
    refreshTokenLifetimeSeconds: opts.refreshTokenLifetimeSeconds ?? 90 * 86_400,
  };
  const shopDomain = opts.shopDomain ?? 'dropsync-emulator.myshopify.com';
  const accessToken = opts.accessToken === null ? '' : (opts.accessToken ?? `shpat_${randomBytes(16).toString('hex')}`);
  const clientId = opts.clientId ?? `emulator-app-${randomBytes(6).toString('hex')}`;
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString('hex');
  const oauth = new OAuthServer(clock, shopDomain, clientId, clientSecret, knobs, accessToken || null);
  state.redactCustomers = () => knobs.redactCustomers;
  const bucket = new CostBucket(knobs.plan, clock);
  const log: RequestLogEntry[] = [];
  const webhooks = new WebhookDispatcher(
    state,
    { shopDomain, clientSecret, apiVersion: DEFAULT_API_VERSION },
    knobs,
    seededRng(seed ^ 0x5eed),
    clock,
  );
  state.emit = (topic, payload) => webhooks.emit(topic, payload);
  const bulk = new BulkOperations(state, () => knobs.bulkDurationMs);
  const executor: Executor = { bucket, roots: rootValues(state, bulk), log, now: () => clock.now() };
  const app = { complianceUrl: opts.complianceWebhookUrl ?? null };
  const control = createControl(state, knobs, bucket, log, webhooks, oauth, app);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof DropsyncError) {
        const status = { invalid: 400, not_found: 404, conflict: 409, unauthorized: 401, forbidden: 403, rate_limited: 429, upstream: 502, unavailable: 503 }[err.kind];
        return send(res, status, { error: err.message, field: err.field ?? null });
      }
      send(res, 500, { errors: String(err) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    if (gql && req.method === 'POST') {
      const version = gql[1]!;
      if (!/^(\d{4}-(01|04|07|10)|unstable)$/.test(version)) return send(res, 404, { errors: 'Not Found' });
      const token = oauth.check(req.headers['x-shopify-access-token'] as string | undefined);
      if (!token) {
        await readBody(req);
        return send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      }
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(res, 400, { errors: { query: 'Required parameter missing or invalid' } });
      }
      const answer = await runGraphQL(executor, (body ?? {}) as Record<string, unknown>, version, {
        scopes: token.scopes, redactCustomers: knobs.redactCustomers, allowHttpCallbacks: knobs.allowHttpCallbacks,
      });
      if (knobs.latencyMs > 0) await new Promise((r) => setTimeout(r, knobs.latencyMs));
      return send(res, 200, answer);
    }
    if (url.pathname.startsWith('/admin/oauth/')) return handleOAuth(req, res, url);
    const bulkFile = /^\/_bulk\/(\d+)\.jsonl$/.exec(url.pathname);
    if (bulkFile && req.method === 'GET') {
      // Like Shopify's signed storage URL: no access token needed.
      const text = bulk.file(Number(bulkFile[1]));
      if (text === undefined) return send(res, 404, { errors: 'Not Found' });
      res.writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (url.pathname.startsWith('/_control/')) {
      const raw = req.method === 'GET' ? Buffer.alloc(0) : await readBody(req);
      const body = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : {};
      const out = await control.http(req.method ?? 'GET', url.pathname.slice('/_control'.length), url.searchParams, body);
      if (out === undefined) return send(res, 404, { error: 'no such control route' });
      return send(res, 200, out);
    }
    return send(res, 404, { errors: 'Not Found' });
  }

  async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      if (url.pathname === '/admin/oauth/authorize' && req.method === 'GET') {
        const grant = oauth.authorize(url.searchParams);
        const html = approvalPage(grant, shopDomain);
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
        res.end(html);
        return;
      }
      if (url.pathname === '/admin/oauth/decide' && req.method === 'POST') {
        const form = new URLSearchParams((await readBody(req)).toString('utf8'));
        const location = oauth.decide(form.get('request') ?? '', form.get('decision') === 'approve');
        res.writeHead(302, { Location: location, 'Content-Length': 0 });
        res.end();
        return;
      }
      if (url.pathname === '/admin/oauth/access_token' && req.method === 'POST') {
        const raw = (await readBody(req)).toString('utf8');
        const type = String(req.headers['content-type'] ?? '');
        let body: Record<string, unknown>;
        try {
          body = type.includes('json') ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
        } catch {
          return send(res, 400, { error: 'invalid_request', error_description: 'the body is not valid JSON' });
        }
        return send(res, 200, oauth.exchange(body));
      }
    } catch (err) {
      if (err instanceof OAuthError) return send(res, err.status, { error: err.error, error_description: err.message });
      throw err;
    }
    return send(res, 404, { errors: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  bulk.baseUrl = `http://${addr.address}:${addr.port}`;
  return {
    url: `http://${addr.address}:${addr.port}`,
    shopDomain,
    accessToken,
    clientId,
    clientSecret,
    locationId: gid('Location', state.locations[0]!.id),
    control,
    close: async () => {
      webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new DropsyncError('invalid', 'body too large', 'body'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
