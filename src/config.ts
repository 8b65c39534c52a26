/**
 * dropsync's configuration: one typed object, read once by the command that starts the process (from its
 * flags, then the environment, then the defaults below) and handed down from there. Nothing else reads the
 * environment.
 *
 * Every setting is one row of a table below: its flag, its environment variable, its default and its parser.
 * The rows make the `--help` of the commands that take them and are listed in docs/configuration.md. To add a
 * tunable, add a row to its group (an engine row is typed against EngineOptions, so its key must be one) and
 * use `config.<group>.<key>` where it is needed.
 *
 * @example
 *   const config = readConfig({ port: '0', data: './data' }, process.env);
 *   const rt = await openRuntime(config);
 */
import { resolve } from 'node:path';
import { invalid } from './domain/errors.ts';
import { parseDuration } from './domain/duration.ts';
import type { EngineOptions } from './engine/types.ts';
import { parseShopUrls } from './connectors/shopify/app.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** One setting: where it is read from, what it means, and how its text becomes a value. */
export interface Setting<T> {
  /** The flag as commander declares it, e.g. `--lease <duration>` or `--no-reconcile`. */
  flag: string;
  env: string;
  help: string;
  /** The value when neither the flag nor the variable is given (undefined: unset). */
  default: T;
  /** How the default reads in --help and the docs. */
  shown?: string;
  parse(text: string | boolean, source: string): T;
}

const text = (v: string | boolean, source: string): string => {
  if (typeof v !== 'string') throw invalid(source, 'needs a value');
  return v.trim();
};

function integer(min: number, max: number) {
  return (v: string | boolean, source: string): number => {
    const t = text(v, source);
    const n = Number(t);
    if (!/^\d+$/.test(t) || !Number.isSafeInteger(n) || n < min || n > max) throw invalid(source, `must be a whole number from ${min} to ${max}, got "${t}"`);
    return n;
  };
}

/** A duration such as 500ms, 10s or 1h, in milliseconds. */
function duration(minMs: number) {
  return (v: string | boolean, source: string): number => {
    const ms = Math.round(parseDuration(text(v, source), source) * 1000);
    if (ms < minMs) throw invalid(source, `must be at least ${minMs} ms`);
    return ms;
  };
}

function boolean(v: string | boolean, source: string): boolean {
  if (typeof v === 'boolean') return v;
  const t = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  throw invalid(source, `must be true or false, got "${v}"`);
}

function url(v: string | boolean, source: string): string {
  const t = text(v, source);
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(t)) throw invalid(source, `must be a URL, got "${t}"`);
  return t;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function set<T>(s: Setting<T>): Setting<T> {
  return s;
}
function optional<T>(s: Omit<Setting<T | undefined>, 'default'>): Setting<T | undefined> {
  return { ...s, default: undefined };
}

/** The HTTP server, the dashboard and first start. */
export const SERVER_SETTINGS = {
  port: set({ flag: '--port <port>', env: 'PORT', help: 'TCP port (0: any free port)', default: 7400, parse: integer(0, 65535) }),
  host: set({ flag: '--host <host>', env: 'HOST', help: 'interface to listen on', default: '127.0.0.1', parse: text }),
  logLevel: set({
    flag: '--log-level <level>', env: 'LOG_LEVEL', help: `pino log level (${LOG_LEVELS.join(', ')})`, default: 'info',
    parse: (v, source) => {
      const t = text(v, source);
      if (!LOG_LEVELS.includes(t)) throw invalid(source, `must be one of ${LOG_LEVELS.join(', ')}`);
      return t;
    },
  }),
  web: set({ flag: '--no-web', env: 'DROPSYNC_WEB', help: 'serve the API only, without the dashboard', default: true, shown: 'on', parse: boolean }),
  supplierName: set({ flag: '--supplier-name <name>', env: 'DROPSYNC_SUPPLIER_NAME', help: 'name of the supplier created on first start', default: 'My supplier', parse: text }),
  publicUrl: optional<string>({
    flag: '--public-url <url>', env: 'DROPSYNC_PUBLIC_URL', shown: "the request's origin",
    help: "dropsync's public base URL: stores deliver webhooks to <url>/webhooks/..., Shopify sends app installs back to <url>/connect/shopify/callback (required for the Shopify app)", parse: url,
  }),
  bodyLimit: set({ flag: '--body-limit <bytes>', env: 'DROPSYNC_BODY_LIMIT', help: 'largest request body accepted', default: 1024 * 1024, parse: integer(1024, 64 * 1024 * 1024) }),
  maxEventsPerRequest: set({ flag: '--max-events <n>', env: 'DROPSYNC_MAX_EVENTS', help: 'largest stock-event batch per request', default: 1000, parse: integer(1, 1000) }),
  sessionTtlMs: set({ flag: '--session-ttl <duration>', env: 'DROPSYNC_SESSION_TTL', help: 'how long a dashboard sign-in lasts', default: 12 * 3_600_000, shown: '12h', parse: duration(60_000) }),
  secureCookie: optional<boolean>({
    flag: '--secure-cookie <bool>', env: 'DROPSYNC_SECURE_COOKIE', shown: 'true when NODE_ENV is production',
    help: 'mark the dashboard cookie Secure (serve the dashboard over HTTPS)', parse: boolean,
  }),
  shutdownGraceMs: set({ flag: '--shutdown-grace <duration>', env: 'DROPSYNC_SHUTDOWN_GRACE', help: 'how long in-flight requests get on SIGTERM', default: 10_000, shown: '10s', parse: duration(0) }),
};

/** Where the data lives. The embedded database's directory when none is given. */
export const DEFAULT_DATA_DIR = './data';

/** Where the data lives. */
export const STORAGE_SETTINGS = {
  dataDir: optional<string>({
    flag: '--data <dir>', env: 'DROPSYNC_DATA', shown: './data',
    help: 'data directory: the embedded database (db/) and the credentials key (secret.key); with a server database, where to keep the key file', parse: text,
  }),
  databaseUrl: optional<string>({ flag: '--database-url <url>', env: 'DATABASE_URL', help: 'a PostgreSQL server instead of the embedded database', shown: 'embedded', parse: url }),
  poolSize: set({ flag: '--pool-size <n>', env: 'DROPSYNC_POOL_SIZE', help: 'connections to the PostgreSQL server', default: 10, parse: integer(1, 1000) }),
};

/** The sync engine's tunables; each key is an EngineOptions field (src/engine/types.ts says what it does). */
export const ENGINE_SETTINGS = {
  leaseMs: set({ flag: '--lease <duration>', env: 'DROPSYNC_LEASE', help: "a store's lease, renewed every third of it while pushing; a crashed process's stores move within it", default: 10_000, shown: '10s', parse: duration(100) }),
  pushTimeoutMs: set({ flag: '--push-timeout <duration>', env: 'DROPSYNC_PUSH_TIMEOUT', help: "the least push timeout, and a store's first calls' before its time is measured (its rows stay dirty)", default: 20_000, shown: '20s', parse: duration(100) }),
  backoffBaseMs: set({ flag: '--backoff-base <duration>', env: 'DROPSYNC_BACKOFF_BASE', help: 'first retry delay after a failed push (doubles per failure, with jitter)', default: 500, shown: '500ms', parse: duration(1) }),
  backoffCapMs: set({ flag: '--backoff-cap <duration>', env: 'DROPSYNC_BACKOFF_CAP', help: 'longest retry delay; also how long an open circuit stays open', default: 30_000, shown: '30s', parse: duration(1) }),
  circuitAfter: set({ flag: '--circuit-after <n>', env: 'DROPSYNC_CIRCUIT_AFTER', help: "consecutive failures that open a store's circuit", default: 5, parse: integer(1, 1000) }),
  unhealthyAfter: set({ flag: '--unhealthy-after <n>', env: 'DROPSYNC_UNHEALTHY_AFTER', help: 'consecutive failures that mark a store unhealthy', default: 10, parse: integer(1, 1000) }),
  unhealthyRetryMs: set({ flag: '--unhealthy-retry <duration>', env: 'DROPSYNC_UNHEALTHY_RETRY', help: 'retry pace of an unhealthy store', default: 60_000, shown: '60s', parse: duration(1) }),
  concurrency: optional<number>({ flag: '--concurrency <n>', env: 'DROPSYNC_CONCURRENCY', help: 'most stores pushed at once by this process', shown: 'every store with work (within its share)', parse: integer(1, 100_000) }),
  warmMs: set({ flag: '--warm <duration>', env: 'DROPSYNC_WARM', help: "how long a store stays leased after its last push, so its next change goes out without a claim", default: 1000, shown: '1s', parse: duration(0) }),
  pushTimeoutFactor: set({ flag: '--push-timeout-factor <n>', env: 'DROPSYNC_PUSH_TIMEOUT_FACTOR', help: "a push is abandoned after this many times the store's measured time for it (never before --push-timeout)", default: 4, parse: integer(1, 100) }),
  listingBackoffBaseMs: set({ flag: '--listing-backoff-base <duration>', env: 'DROPSYNC_LISTING_BACKOFF_BASE', help: 'first retry of a listing the store rejected for good (doubles per attempt)', default: 5000, shown: '5s', parse: duration(1) }),
  listingBackoffCapMs: set({ flag: '--listing-backoff-cap <duration>', env: 'DROPSYNC_LISTING_BACKOFF_CAP', help: 'longest retry delay of a rejected listing', default: 600_000, shown: '10m', parse: duration(1) }),
  reconcileTickMs: set({ flag: '--reconcile-tick <duration>', env: 'DROPSYNC_RECONCILE_TICK', help: 'how often stores due for reconciliation are looked for', default: 5000, shown: '5s', parse: duration(100) }),
  reconcileConcurrency: set({ flag: '--reconcile-concurrency <n>', env: 'DROPSYNC_RECONCILE_CONCURRENCY', help: 'stores reconciled at once by this process', default: 4, parse: integer(1, 1000) }),
  ingestWidth: optional<number>({ flag: '--ingest-width <n>', env: 'DROPSYNC_INGEST_WIDTH', help: "a supplier's stock-event transactions at once; calls arriving meanwhile share the next one", shown: '1 embedded, 2 on a server', parse: integer(1, 64) }),
  sweepMs: set({ flag: '--sweep <duration>', env: 'DROPSYNC_SWEEP', help: 'safety-net sweep period (holds expiry, compensation, log pruning, dispatch wake-up)', default: 1000, shown: '1s', parse: duration(10) }),
  reconcile: set({ flag: '--no-reconcile', env: 'DROPSYNC_RECONCILE', help: "don't poll stores for levels and missed orders", default: true, shown: 'on', parse: boolean }),
} satisfies { [K in keyof EngineOptions]?: Setting<EngineOptions[K]> };

/** dropsync as a Shopify app that retailers install by OAuth (docs/shopify.md); its secret is below. */
export const SHOPIFY_SETTINGS = {
  clientId: optional<string>({
    flag: '--shopify-client-id <id>', env: 'DROPSYNC_SHOPIFY_CLIENT_ID', shown: 'unset: the app is not offered',
    help: "the Shopify app's client id (Dev Dashboard > app > Settings); with the secret, stores can install the app at /connect/shopify", parse: text,
  }),
  shopUrls: set<Record<string, string>>({
    flag: '--shopify-shop-urls <list>', env: 'DROPSYNC_SHOPIFY_SHOP_URLS', default: {}, shown: 'none: https://{shop}',
    help: "shop.myshopify.com=URL,...: where a shop's admin answers instead of https://{shop} (an emulator; never needed against Shopify)",
    parse: (v, source) => parseShopUrls(text(v, source)),
  }),
  allowHttpWebhooks: set({
    flag: '--shopify-allow-http-webhooks <bool>', env: 'DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS', default: false,
    help: 'accept an http:// public URL for Shopify webhooks (Shopify delivers to https:// only: an emulator)', parse: boolean,
  }),
};

/** Read from the environment only, never from a flag (a flag shows in the process list). */
export const SECRET_SETTINGS = {
  secretKey: optional<string>({
    flag: '', env: 'DROPSYNC_SECRET_KEY', shown: '<data>/secret.key, created on first start (embedded only)',
    help: 'the AES-256-GCM key that seals store credentials: 32 bytes as hex or base64; required with a server database', parse: text,
  }),
  shopifyClientSecret: optional<string>({
    flag: '', env: 'DROPSYNC_SHOPIFY_CLIENT_SECRET', shown: 'unset',
    help: "the Shopify app's client secret: signs its OAuth redirects and webhooks, and refreshes stores' tokens", parse: text,
  }),
};

type Values<S> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export interface Config {
  server: Values<typeof SERVER_SETTINGS>;
  storage: Values<typeof STORAGE_SETTINGS>;
  engine: Values<typeof ENGINE_SETTINGS>;
  shopify: Values<typeof SHOPIFY_SETTINGS>;
  secrets: Values<typeof SECRET_SETTINGS>;
}

export const SETTING_GROUPS = {
  server: SERVER_SETTINGS, storage: STORAGE_SETTINGS, engine: ENGINE_SETTINGS, shopify: SHOPIFY_SETTINGS, secret: SECRET_SETTINGS,
} as const;
export type SettingGroup = keyof typeof SETTING_GROUPS;

/** Flag values as commander gives them (strings, or booleans for --no-x), only those given on the command line. */
export type Flags = Readonly<Record<string, string | boolean | undefined>>;

/** The attribute commander stores a flag under: `--log-level <x>` -> logLevel, `--no-web` -> web. */
export function flagKey(flag: string): string {
  const long = /--(?:no-)?([a-z0-9-]+)/.exec(flag)?.[1] ?? '';
  return long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function readGroup<S extends Record<string, Setting<unknown>>>(settings: S, flags: Flags, env: Env): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const flag = s.flag ? flags[flagKey(s.flag)] : undefined;
    const fromEnv = env[s.env];
    if (flag !== undefined) out[key] = s.parse(flag, s.flag.split(' ')[0]!);
    else if (fromEnv !== undefined && fromEnv.trim() !== '') out[key] = s.parse(fromEnv, s.env);
    else out[key] = s.default;
  }
  return out as Values<S>;
}

/**
 * The configuration from flags given on the command line, then the environment, then the defaults. An empty
 * variable counts as unset. The data directory is made absolute, and `secureCookie` defaults from NODE_ENV.
 */
export function readConfig(flags: Flags = {}, env: Env = {}): Config {
  const server = readGroup(SERVER_SETTINGS, flags, env);
  const storage = readGroup(STORAGE_SETTINGS, flags, env);
  if (storage.dataDir !== undefined) storage.dataDir = resolve(storage.dataDir);
  if (server.secureCookie === undefined) server.secureCookie = env.NODE_ENV === 'production';
  if (server.publicUrl !== undefined) server.publicUrl = server.publicUrl.replace(/\/+$/, '');
  return {
    server, storage, engine: readGroup(ENGINE_SETTINGS, flags, env), shopify: readGroup(SHOPIFY_SETTINGS, flags, env),
    secrets: readGroup(SECRET_SETTINGS, {}, env),
  };
}

/** A setting's line for --help and the docs: what it does, its variable and its default. */
export function describeSetting(s: Setting<unknown>): string {
  const def = s.shown ?? (s.default === undefined ? 'unset' : typeof s.default === 'object' ? JSON.stringify(s.default) : String(s.default));
  return `${s.help} (env ${s.env}; default ${def})`;
}
