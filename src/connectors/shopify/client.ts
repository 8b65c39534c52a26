/**
 * A small Admin GraphQL client: posts documents, reads `extensions.cost.throttleStatus` into the bucket model,
 * and never sends a request the model says the bucket cannot afford. `wait` mode sleeps until it can
 * (reads); `nowait` mode returns `throttled` with the wait instead (pushes, so the dispatcher decides).
 */
import { DropsyncError } from '../../domain/errors.ts';
import { ThrottleModel, type ThrottleStatus } from './throttle.ts';
import { DEFAULT_SHOPIFY_API_VERSION, type ShopifyClientOptions } from './types.ts';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export type CallResult<T> =
  | { kind: 'ok'; data: T; errors: GraphQLError[] }
  | { kind: 'throttled'; retryAfterMs: number };

/** Sleep on real timers, with a timer that does not keep the process alive. */
export const realSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });

export class ShopifyClient {
  readonly throttle: ThrottleModel;
  readonly endpoint: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: ShopifyClientOptions) {
    this.throttle = new ThrottleModel(opts.clock);
    const base = (opts.baseUrl ?? `https://${opts.shopDomain}`).replace(/\/+$/, '');
    this.endpoint = `${base}/admin/api/${opts.apiVersion ?? DEFAULT_SHOPIFY_API_VERSION}/graphql.json`;
    this.fetchFn = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? realSleep;
  }

  /** Sends when affordable; in `wait` mode sleeps first (and after a THROTTLED answer) instead of failing. */
  async call<T>(query: string, variables: Record<string, unknown>, cost: number, mode: 'wait' | 'nowait'): Promise<CallResult<T>> {
    for (let attempt = 0; ; attempt++) {
      const wait = this.throttle.waitMs(cost);
      if (wait === Number.POSITIVE_INFINITY) throw new DropsyncError('invalid', `query cost ${cost} exceeds the bucket`, 'query');
      if (wait > 0) {
        if (mode === 'nowait') return { kind: 'throttled', retryAfterMs: wait };
        await this.sleep(wait);
        continue;
      }
      this.throttle.reserve(cost);
      const result = await this.post<T>(query, variables);
      if (result.kind === 'ok' || mode === 'nowait' || attempt >= 5) return result;
      await this.sleep(result.retryAfterMs);
    }
  }

  /** Waits on the injected sleep (virtual time in tests), e.g. between bulk-operation polls. */
  pause(ms: number): Promise<void> {
    return this.sleep(ms);
  }

  /** GET of a file Shopify hands out by URL (a bulk operation's JSONL): signed, so no access token. */
  async download(url: string): Promise<string> {
    let res: Response;
    try {
      res = await this.fetchFn(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new DropsyncError('upstream', `Shopify file unreachable: ${(err as Error).message}`);
    }
    if (!res.ok) throw new DropsyncError('upstream', `Shopify file answered HTTP ${res.status}`);
    return res.text();
  }

  private async post<T>(query: string, variables: Record<string, unknown>): Promise<CallResult<T>> {
    let res: Response;
    try {
      const tokens = this.opts.tokens;
      const token = tokens ? await tokens.token() : this.opts.accessToken;
      res = await this.send(query, variables, token);
      // An expiring token that Shopify no longer takes (expired early, or rotated by another process): once more
      // with the refreshed one. Safe to resend: see send().
      if (res.status === 401 && tokens) {
        await res.arrayBuffer().catch(() => undefined);
        const next = await tokens.onUnauthorized(token);
        res = next ? await this.send(query, variables, next) : new Response(null, { status: 401 });
      }
    } catch (err) {
      if (err instanceof DropsyncError) throw err;
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new DropsyncError('upstream', `Shopify unreachable: ${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
    }
    return this.read<T>(res);
  }

  /**
   * One POST, retried once when a kept-alive socket turns out to be closed (ECONNRESET before any answer).
   * Safe for every document we send: pushes carry an idempotency key, and a repeated cancel, discount or
   * subscription is recognised ("already cancelled", TAKEN, "already been taken").
   */
  private async send(query: string, variables: Record<string, unknown>, token: string): Promise<Response> {
    const once = () =>
      this.fetchFn(this.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Shopify-Access-Token': token,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    try {
      return await once();
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return once();
      throw err;
    }
  }

  private async read<T>(res: Response): Promise<CallResult<T>> {
    if (res.status === 401 || res.status === 403) {
      throw new DropsyncError('unauthorized', `Shopify refused the access token (HTTP ${res.status})`, 'accessToken');
    }
    if (res.status === 429) {
      const seconds = Number(res.headers.get('retry-after') ?? '1');
      return { kind: 'throttled', retryAfterMs: Math.ceil((Number.isFinite(seconds) ? seconds : 1) * 1000) };
    }
    if (!res.ok) throw new DropsyncError('upstream', `Shopify answered HTTP ${res.status}`);
    const body = (await res.json()) as {
      data?: T;
      errors?: GraphQLError[] | string;
      extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
    };
    const cost = body.extensions?.cost;
    if (cost?.throttleStatus) this.throttle.update(cost.throttleStatus);
    const errors = Array.isArray(body.errors) ? body.errors : body.errors ? [{ message: String(body.errors) }] : [];
    if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
      const requested = cost?.requestedQueryCost ?? 0;
      const ts = cost?.throttleStatus;
      const wait = ts && ts.restoreRate > 0 ? Math.ceil(((requested - ts.currentlyAvailable) * 1000) / ts.restoreRate) : 1000;
      return { kind: 'throttled', retryAfterMs: Math.max(1, wait) };
    }
    if (body.data === undefined || body.data === null) {
      throw new DropsyncError('upstream', `Shopify rejected the request: ${errors.map((e) => e.message).join('; ') || 'no data'}`);
    }
    return { kind: 'ok', data: body.data, errors };
  }
}
