/**
 * Shopify's authorization code grant and token refresh, as Shopify documents them and as Shopify's own library
 * (`@shopify/shopify-api`) implements them:
 * - shop names must be `{name}.myshopify.com`;
 * - the authorize URL is `https://{shop}/admin/oauth/authorize?client_id&scope&redirect_uri&state`;
 * - a request Shopify signs carries `hmac` = hex HMAC-SHA256 (client secret) over the other query parameters sorted
 *   by name and joined `k=v&k=v`, plus a `timestamp` (the library refuses one more than 90 s off);
 * - `POST https://{shop}/admin/oauth/access_token` with `{client_id, client_secret, code, expiring: "1"}` answers
 *   `{access_token, scope, expires_in, refresh_token, refresh_token_expires_in}`; with
 *   `{client_id, client_secret, grant_type: "refresh_token", refresh_token}` it rotates the pair.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DropsyncError } from '../../domain/errors.ts';

export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
/** Largest clock difference accepted on a signed request's timestamp. */
export const HMAC_TOLERANCE_S = 90;

/** The shop name lower-cased, or an `invalid` error naming `field`. */
export function normaliseShop(shop: unknown, field = 'shop'): string {
  const s = typeof shop === 'string' ? shop.trim().toLowerCase() : '';
  if (!SHOP_DOMAIN.test(s)) throw new DropsyncError('invalid', `${JSON.stringify(shop ?? '')} is not a shop name of the form NAME.myshopify.com`, field);
  return s;
}

export function queryHmac(params: Record<string, string>, secret: string): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(params).filter((k) => k !== 'hmac' && k !== 'signature').sort()) q.append(key, params[key]!);
  return createHmac('sha256', secret).update(q.toString()).digest('hex');
}

/** True when `params.hmac` signs the other parameters and `timestamp` is within the tolerance of `nowMs`. */
export function verifyQueryHmac(params: Record<string, string>, secret: string, nowMs: number): { ok: true } | { ok: false; reason: string } {
  if (!params.hmac) return { ok: false, reason: 'the request has no hmac' };
  const expected = Buffer.from(queryHmac(params, secret), 'utf8');
  const given = Buffer.from(params.hmac, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the hmac does not match the parameters' };
  const ts = Number(params.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > HMAC_TOLERANCE_S) return { ok: false, reason: 'the timestamp is missing or too far from now' };
  return { ok: true };
}

export function authorizeUrl(baseUrl: string, opts: { clientId: string; scopes: readonly string[]; redirectUri: string; state: string }): string {
  const q = new URLSearchParams({ client_id: opts.clientId, scope: opts.scopes.join(','), redirect_uri: opts.redirectUri, state: opts.state });
  return `${baseUrl.replace(/\/+$/, '')}/admin/oauth/authorize?${q.toString()}`;
}

/** The token pair as dropsync stores it (sealed), ISO times for the expiries. */
export interface ShopifyTokens {
  accessToken: string;
  scope: string;
  /** Null for a non-expiring token. */
  accessTokenExpiresAt: string | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: string | null;
}

/** A refresh Shopify refused for good (the grant is gone: uninstalled, revoked, expired): only a new install helps. */
export class TokenRevoked extends DropsyncError {
  constructor(message: string) {
    super('unauthorized', message, 'refreshToken');
  }
}

async function tokenRequest(baseUrl: string, body: Record<string, string>, nowMs: number, fetchFn: typeof fetch): Promise<ShopifyTokens> {
  let res: Response;
  try {
    res = await fetchFn(`${baseUrl.replace(/\/+$/, '')}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new DropsyncError('upstream', `Shopify token endpoint unreachable: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // keep {}
  }
  if (!res.ok) {
    const why = `${String(json.error ?? `HTTP ${res.status}`)}${json.error_description ? `: ${String(json.error_description)}` : ''}`;
    // 4xx: the grant or the client was refused, retrying will not help; 5xx and 429: try again later.
    if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new TokenRevoked(`Shopify refused the token request (${why})`);
    throw new DropsyncError('upstream', `Shopify token endpoint answered ${why}`);
  }
  if (typeof json.access_token !== 'string' || !json.access_token) throw new DropsyncError('upstream', 'Shopify token endpoint answered without access_token');
  const at = (seconds: unknown) => (typeof seconds === 'number' && seconds > 0 ? new Date(nowMs + seconds * 1000).toISOString() : null);
  return {
    accessToken: json.access_token,
    scope: typeof json.scope === 'string' ? json.scope : '',
    accessTokenExpiresAt: at(json.expires_in),
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : null,
    refreshTokenExpiresAt: at(json.refresh_token_expires_in),
  };
}

/** Exchanges an authorization code for an expiring offline token and its refresh token. */
export function exchangeCode(baseUrl: string, app: { clientId: string; clientSecret: string }, code: string, nowMs: number, fetchFn: typeof fetch = fetch): Promise<ShopifyTokens> {
  return tokenRequest(baseUrl, { client_id: app.clientId, client_secret: app.clientSecret, code, expiring: '1' }, nowMs, fetchFn);
}

/** Rotates an expiring token: a new access token and a new refresh token. */
export function refreshTokens(baseUrl: string, app: { clientId: string; clientSecret: string }, refreshToken: string, nowMs: number, fetchFn: typeof fetch = fetch): Promise<ShopifyTokens> {
  return tokenRequest(baseUrl, { client_id: app.clientId, client_secret: app.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }, nowMs, fetchFn);
}

/** Scopes asked for that the grant lacks (a `write_x` grant covers `read_x`, as Shopify's scopes do). */
export function missingScopes(wanted: readonly string[], granted: string): string[] {
  const have = new Set(granted.split(',').map((s) => s.trim()).filter(Boolean));
  return wanted.filter((s) => !have.has(s) && !(s.startsWith('read_') && have.has(`write_${s.slice(5)}`)));
}
