/**
 * The emulator's HTTP server: host behaviour first (latency, injected and random 429/5xx/hangs), then
 * WooCommerce authentication, then the REST routes under `/wp-json/wc/v3/`. `/_control/` skips all of it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../clock.ts';
import { errorBody, type ApiResult, type Route } from './api-common.ts';
import { orderRoutes } from './api-orders.ts';
import { productRoutes } from './api-products.ts';
import { webhookRoutes } from './api-webhooks.ts';
import { WooAuth } from './auth.ts';
import { controlRoutes, createControl, type WooControl } from './control.ts';
import { WebhookDispatcher } from './deliveries.ts';
import { seededRng } from '../../domain/random.ts';
import { WooError, WooState } from './state.ts';
import type { InjectedFailure, RequestLogEntry, WooEmulatorOptions, WooKnobs } from './types.ts';

const API_PREFIX = '/wp-json/wc/v3/';
const CONTROL_PREFIX = '/_control/';

export const DEFAULT_KNOBS: WooKnobs = {
  latencyMs: 0,
  errorRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: null,
  hangRate: 0,
  webhookLoss: 0,
  webhookDelayMs: 0,
  webhookTimeoutMs: 60_000,
};

export interface WooEmulator {
  /** Site URL, e.g. http://127.0.0.1:50123 (the REST API is under /wp-json/wc/v3/). */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  control: WooControl;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function match(routes: Route[], method: string, path: string): { route: Route; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1) };
  }
  return null;
}

function send(res: ServerResponse, result: ApiResult): void {
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': typeof result.body === 'string' ? 'text/html; charset=UTF-8' : 'application/json; charset=UTF-8',
    ...result.headers,
  });
  res.end(text);
}

function hostFailure(f: InjectedFailure): ApiResult {
  const headers: Record<string, string> = {};
  if (f.retryAfterSeconds !== null && f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
  const text = f.status === 429 ? 'Too Many Requests' : f.status === 503 ? 'Service Unavailable' : 'Internal Server Error';
  return { status: f.status, body: `<html><body><h1>${f.status} ${text}</h1></body></html>`, headers };
}

function batchItems(path: string, body: unknown): number | undefined {
  if (!path.endsWith('/batch') || !body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  return ['create', 'update', 'delete'].reduce((n, k) => n + (Array.isArray(b[k]) ? (b[k] as unknown[]).length : 0), 0);
}

export async function startWooEmulator(opts: WooEmulatorOptions = {}): Promise<WooEmulator> {
  const clock = opts.clock ?? systemClock;
  const rng = seededRng(opts.seed ?? 1);
  const knobs: WooKnobs = { ...DEFAULT_KNOBS, ...opts.knobs };
  const consumerKey = opts.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`;
  const consumerSecret = opts.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`;
  const requestLog: RequestLogEntry[] = [];
  const logLimit = opts.requestLogLimit ?? 10_000;
  const failures: InjectedFailure[] = [];
  const latencyTimers = new Set<NodeJS.Timeout>();
  let url = '';

  const state = new WooState(clock);
  state.seed(rng, opts.skus ?? 20, opts.variationsRatio ?? 0.5);
  const dispatcher = new WebhookDispatcher(state, rng, () => knobs, () => url, clock);
  state.onEvent((e) => dispatcher.onEvent(e));
  const auth = new WooAuth(consumerKey, consumerSecret, () => clock.now());
  const control = createControl({ state, dispatcher, knobs, requestLog, failures });
  const api = [...productRoutes(state), ...orderRoutes(state), ...webhookRoutes(state, dispatcher, rng)];
  const controls = controlRoutes(control);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        latencyTimers.delete(t);
        resolve();
      }, ms);
      latencyTimers.add(t);
    });

  /** Host-level behaviour decided before WordPress sees the request; null lets it through. */
  const hostDecision = (): InjectedFailure | null => {
    const injected = failures.shift();
    if (injected) return injected;
    const r = rng();
    let edge = knobs.hangRate;
    if (r < edge) return { status: 0, hang: true };
    edge += knobs.errorRate;
    if (r < edge) return { status: rng() < 0.5 ? 500 : 503, retryAfterSeconds: knobs.retryAfterSeconds };
    edge += knobs.rateLimitRate;
    if (r < edge) return { status: 429, retryAfterSeconds: knobs.retryAfterSeconds };
    return null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const full = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const path = full.pathname;
    const raw = await readBody(req);
    let body: unknown = undefined;
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    if (raw !== '' && isJson) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, { status: 400, body: errorBody('rest_invalid_json', 'Invalid JSON body passed.', 400) });
      }
    }
    const run = async (routes: Route[], rel: string): Promise<ApiResult> => {
      const found = match(routes, method, rel);
      if (!found) return { status: 404, body: errorBody('rest_no_route', 'No route was found matching the URL and request method.', 404) };
      const clean = new URL(full.href);
      for (const k of [...clean.searchParams.keys()]) if (k.startsWith('oauth_') || k.startsWith('consumer_')) clean.searchParams.delete(k);
      return found.route.handle({ method, url: clean, params: found.params, query: full.searchParams, body });
    };
    const guarded = async (fn: () => Promise<ApiResult>): Promise<ApiResult> => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof WooError) return { status: err.status, body: errorBody(err.code, err.message, err.status) };
        return { status: 500, body: errorBody('internal_server_error', String(err), 500) };
      }
    };

    if (path.startsWith(CONTROL_PREFIX)) return send(res, await guarded(() => run(controls, path.slice(CONTROL_PREFIX.length))));
    if (!path.startsWith(API_PREFIX)) return send(res, { status: 404, body: errorBody('rest_no_route', 'No route was found matching the URL and request method.', 404) });

    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    const entry: RequestLogEntry = { at: clock.now(), method, path: path.slice(API_PREFIX.length - 1), status: 0 };
    const items = batchItems(path, body);
    if (items !== undefined) entry.batchItems = items;
    requestLog.push(entry);
    if (requestLog.length > logLimit) requestLog.splice(0, requestLog.length - logLimit);

    const host = hostDecision();
    if (host?.hang) return; // never answered; close() destroys the socket
    const result = host
      ? hostFailure(host)
      : await guarded(async () => {
          auth.check(method, full, req.headers);
          return run(api, path.slice(API_PREFIX.length).replace(/\/$/, ''));
        });
    entry.status = result.status;
    send(res, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, { status: 500, body: errorBody('internal_server_error', String(err), 500) });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  url = `http://${opts.host ?? '127.0.0.1'}:${addr.port}`;

  return {
    url,
    consumerKey,
    consumerSecret,
    control,
    close: async () => {
      dispatcher.close();
      for (const t of latencyTimers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
