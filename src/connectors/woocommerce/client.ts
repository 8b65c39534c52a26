/**
 * A small WooCommerce REST v3 client: Basic auth over https, OAuth 1.0a query signing over plain http,
 * WooCommerce's `{code, message, data}` errors turned into WooHttpError with the Retry-After it came with.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { Clock } from '../../domain/types.ts';
import { signUrl } from './oauth.ts';
import type { WooCredentials } from './types.ts';

export class WooHttpError extends Error {
  constructor(
    /** 0 when no answer came (network error, timeout). */
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After when the answer had one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WooHttpError';
  }

  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Outside push (which reports per item), store failures leave the connector as the one error type. */
export function toDropsyncError(err: unknown): unknown {
  if (!(err instanceof WooHttpError)) return err;
  const detail = err.retryAfterMs !== undefined ? `${err.message} (retry after ${Math.ceil(err.retryAfterMs / 1000)} s)` : err.message;
  if (err.status === 401 || err.status === 403) return new DropsyncError('unauthorized', `WooCommerce refused the keys: ${detail}`, 'credentials');
  if (err.status === 404) return new DropsyncError('not_found', detail);
  if (err.status === 429) return new DropsyncError('rate_limited', detail);
  return new DropsyncError('upstream', detail);
}

export interface WooResponse<T> {
  body: T;
  headers: Headers;
}

export interface WooClientOptions extends WooCredentials {
  clock: Clock;
  fetch?: typeof fetch;
  /** Per request; a hung host fails after this long. Default 30 s. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export class WooClient {
  private readonly root: string;
  private readonly https: boolean;
  private readonly doFetch: typeof fetch;
  /** Requests sent, for figures and tests. */
  calls = 0;

  constructor(private readonly opts: WooClientOptions) {
    this.root = `${opts.baseUrl.replace(/\/+$/, '')}/wp-json/wc/v3/`;
    this.https = this.root.startsWith('https:');
    this.doFetch = opts.fetch ?? fetch;
  }

  get<T>(path: string, query: Query = {}): Promise<WooResponse<T>> {
    return this.request<T>('GET', path, query);
  }

  put<T>(path: string, body: unknown): Promise<WooResponse<T>> {
    return this.request<T>('PUT', path, {}, body);
  }

  post<T>(path: string, body: unknown): Promise<WooResponse<T>> {
    return this.request<T>('POST', path, {}, body);
  }

  async request<T>(method: string, path: string, query: Query = {}, body?: unknown): Promise<WooResponse<T>> {
    let url = new URL(path, this.root);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.https) {
      headers.authorization = `Basic ${Buffer.from(`${this.opts.consumerKey}:${this.opts.consumerSecret}`).toString('base64')}`;
    } else {
      url = signUrl(method, url, this.opts.consumerKey, this.opts.consumerSecret, this.opts.clock.now());
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    this.calls++;
    let res: Response;
    try {
      res = await this.doFetch(url, {
        method,
        headers,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new WooHttpError(0, timedOut ? 'timeout' : 'network_error', err instanceof Error ? err.message : String(err));
    }
    const text = await res.text();
    if (res.ok) {
      try {
        return { body: JSON.parse(text) as T, headers: res.headers };
      } catch {
        throw new WooHttpError(res.status, 'invalid_json', `${method} ${path}: answer is not JSON`);
      }
    }
    let code = `http_${res.status}`;
    let message = `${method} ${path}: HTTP ${res.status}`;
    try {
      const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
      if (typeof parsed.code === 'string') code = parsed.code;
      if (typeof parsed.message === 'string') message = `${method} ${path}: ${parsed.message}`;
    } catch {
      // Hosts answer 429/5xx with HTML; the status says enough.
    }
    throw new WooHttpError(res.status, code, message, parseRetryAfter(res.headers.get('retry-after'), this.opts.clock.now()));
  }
}

/** Parses `product:ID` / `variation:PARENT:ID`; null when malformed. */
export function parseExternalId(externalId: string): { kind: 'product'; id: number } | { kind: 'variation'; parentId: number; id: number } | null {
  const p = /^product:(\d+)$/.exec(externalId);
  if (p) return { kind: 'product', id: Number(p[1]) };
  const v = /^variation:(\d+):(\d+)$/.exec(externalId);
  if (v) return { kind: 'variation', parentId: Number(v[1]), id: Number(v[2]) };
  return null;
}
