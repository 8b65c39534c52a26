/**
 * The emulated shop's side of Shopify's authorization code grant and of its access tokens:
 * - `/admin/oauth/authorize?client_id&scope&redirect_uri&state`: an approval page (install / cancel) the merchant,
 *   a browser test or the control API approves; approving redirects to `redirect_uri` with `code`, `hmac`, `host`,
 *   `shop`, `state`, `timestamp`, the hmac being hex HMAC-SHA256 (client secret) over the other parameters sorted
 *   and joined `k=v&k=v`.
 * - `POST /admin/oauth/access_token`: `{client_id, client_secret, code[, expiring: "1"]}` answers
 *   `{access_token, scope}`, or with `expiring=1` also `expires_in`, `refresh_token`, `refresh_token_expires_in`;
 *   `{client_id, client_secret, grant_type: "refresh_token", refresh_token}` rotates the pair.
 * Rules modelled from Shopify's text: an expiring access token lives 3,600 s and its refresh token 90 days; only one
 * expiring token is active per app and shop (a new one revokes the older ones); the previous refresh token stays
 * usable until its replacement is first used. Error bodies follow OAuth 2.0 (`{error, error_description}`); their
 * exact wording on Shopify is not documented.
 * Tokens carry their granted scopes; the static token given at start (a legacy custom app's `shpat_`) has every
 * scope and never expires.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/types.ts';

/** Every scope the emulated shop knows; the static token has all of them. */
export const ALL_SCOPES = [
  'read_inventory', 'write_inventory', 'read_locations', 'read_products', 'write_products', 'read_orders', 'write_orders',
  'write_discounts', 'read_discounts', 'read_customers', 'read_fulfillments', 'write_fulfillments',
  'read_merchant_managed_fulfillment_orders', 'write_merchant_managed_fulfillment_orders',
] as const;

export interface TokenRec {
  token: string;
  scopes: Set<string>;
  /** ms since epoch; null = never expires. */
  expiresAt: number | null;
  expiring: boolean;
  revoked: boolean;
}

interface RefreshRec {
  token: string;
  expiresAt: number;
  /** The refresh token this one replaced: retired when this one is first used. */
  replaces: string | null;
  /** Set once this token has been used for a refresh. */
  used: boolean;
  retired: boolean;
  scopes: string[];
}

interface PendingGrant {
  id: string;
  clientId: string;
  scopes: string[];
  redirectUri: string;
  state: string;
  createdAt: number;
}

interface CodeRec {
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

export interface OAuthKnobs {
  /** Lifetime of an expiring access token, seconds (Shopify: 3,600). */
  tokenLifetimeSeconds: number;
  /** Lifetime of a refresh token, seconds (Shopify: 90 days). */
  refreshTokenLifetimeSeconds: number;
}

export class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
  }
}

/** Hex HMAC-SHA256 over the query's parameters but `hmac` (and `signature`), sorted by name, `k=v` joined by `&`. */
export function oauthQueryHmac(params: Record<string, string>, secret: string): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(params).filter((k) => k !== 'hmac' && k !== 'signature').sort()) q.append(key, params[key]!);
  return createHmac('sha256', secret).update(q.toString()).digest('hex');
}

export class OAuthServer {
  readonly tokens = new Map<string, TokenRec>();
  private readonly refresh = new Map<string, RefreshRec>();
  private readonly codes = new Map<string, CodeRec>();
  private readonly pending = new Map<string, PendingGrant>();
  /** Installed = some grant was approved (or a static token exists) and no uninstall since. */
  installed = false;

  constructor(
    private readonly clock: Clock,
    readonly shopDomain: string,
    readonly clientId: string,
    readonly clientSecret: string,
    readonly knobs: OAuthKnobs,
    staticToken: string | null,
  ) {
    if (staticToken) {
      this.tokens.set(staticToken, { token: staticToken, scopes: new Set(ALL_SCOPES), expiresAt: null, expiring: false, revoked: false });
      this.installed = true;
    }
  }

  /** The token's record when it may be used now, else null (unknown, revoked or expired). */
  check(token: string | undefined): TokenRec | null {
    if (!token) return null;
    const t = this.tokens.get(token);
    if (!t || t.revoked) return null;
    if (t.expiresAt !== null && this.clock.now() >= t.expiresAt) return null;
    return t;
  }

  /** GET /admin/oauth/authorize: records the request; returns its id for the approval page. */
  authorize(q: URLSearchParams): PendingGrant {
    const clientId = q.get('client_id') ?? '';
    if (clientId !== this.clientId) throw new OAuthError(400, 'invalid_request', 'Oauth error invalid_request: The client_id is invalid');
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!/^https?:\/\//.test(redirectUri)) throw new OAuthError(400, 'invalid_request', 'Oauth error invalid_request: The redirect_uri is missing or not a URL');
    const scopes = (q.get('scope') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw new OAuthError(400, 'invalid_scope', `Oauth error invalid_scope: ${unknown.join(', ')}`);
    const grant: PendingGrant = { id: randomBytes(8).toString('hex'), clientId, scopes, redirectUri, state: q.get('state') ?? '', createdAt: this.clock.now() };
    this.pending.set(grant.id, grant);
    return grant;
  }

  pendingGrants(): PendingGrant[] {
    return [...this.pending.values()];
  }

  /**
   * The merchant's answer on the approval page. Approve: a single-use code (valid 10 minutes, an emulator choice)
   * and the signed redirect. `grantScopes` narrows what is granted (a test of missing scopes). Deny: the redirect
   * carries `error=access_denied` (OAuth 2.0's form; what Shopify shows a merchant who cancels is not documented).
   */
  decide(requestId: string, approve: boolean, grantScopes?: string[]): string {
    const grant = this.pending.get(requestId);
    if (!grant) throw new OAuthError(404, 'invalid_request', 'no such authorization request');
    this.pending.delete(requestId);
    const params: Record<string, string> = { shop: this.shopDomain, state: grant.state, timestamp: String(Math.floor(this.clock.now() / 1000)) };
    if (approve) {
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, { scopes: grantScopes ?? grant.scopes, expiresAt: this.clock.now() + 600_000, used: false });
      params.code = code;
      params.host = Buffer.from(`admin.shopify.com/store/${this.shopDomain.replace(/\.myshopify\.com$/, '')}`).toString('base64url');
    } else {
      params.error = 'access_denied';
      params.error_description = 'The merchant declined the installation';
    }
    params.hmac = oauthQueryHmac(params, this.clientSecret);
    const url = new URL(grant.redirectUri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  /** POST /admin/oauth/access_token. */
  exchange(body: Record<string, unknown>): Record<string, unknown> {
    if (body.client_id !== this.clientId || body.client_secret !== this.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Oauth error invalid_client: client authentication failed');
    }
    const now = this.clock.now();
    if (body.grant_type === 'refresh_token') {
      const rt = this.refresh.get(String(body.refresh_token ?? ''));
      if (!rt || rt.retired || rt.expiresAt <= now) throw new OAuthError(400, 'invalid_grant', 'Oauth error invalid_grant: the refresh token is invalid, expired or retired');
      // First use of a replacement retires the token it replaced.
      if (rt.replaces) {
        const prev = this.refresh.get(rt.replaces);
        if (prev) prev.retired = true;
      }
      rt.used = true;
      this.refreshes++;
      return this.issue(rt.scopes, true, rt.token);
    }
    if (body.grant_type !== undefined && body.grant_type !== 'authorization_code') {
      throw new OAuthError(400, 'unsupported_grant_type', `Oauth error unsupported_grant_type: ${String(body.grant_type)}`);
    }
    const code = this.codes.get(String(body.code ?? ''));
    if (!code || code.used || code.expiresAt <= now) throw new OAuthError(400, 'invalid_request', 'Oauth error invalid_request: The authorization code was not found or was already used');
    code.used = true;
    this.installed = true;
    return this.issue(code.scopes, body.expiring === '1' || body.expiring === 1, null);
  }

  private issue(scopes: string[], expiring: boolean, refreshedFrom: string | null): Record<string, unknown> {
    const now = this.clock.now();
    const token = `shpca_${randomBytes(16).toString('hex')}`;
    if (expiring) {
      // Only one expiring token per app and shop: the new one revokes the older ones.
      for (const t of this.tokens.values()) if (t.expiring) t.revoked = true;
    }
    this.tokens.set(token, {
      token, scopes: new Set(scopes), expiring,
      expiresAt: expiring ? now + this.knobs.tokenLifetimeSeconds * 1000 : null, revoked: false,
    });
    const out: Record<string, unknown> = { access_token: token, scope: scopes.join(',') };
    if (!expiring) return out;
    const refresh = `shprt_${randomBytes(16).toString('hex')}`;
    this.refresh.set(refresh, { token: refresh, expiresAt: now + this.knobs.refreshTokenLifetimeSeconds * 1000, replaces: refreshedFrom, used: false, retired: false, scopes });
    out.expires_in = this.knobs.tokenLifetimeSeconds;
    out.refresh_token = refresh;
    out.refresh_token_expires_in = this.knobs.refreshTokenLifetimeSeconds;
    return out;
  }

  /** The app is uninstalled: every token and refresh token stops working. */
  /** Tokens issued by the refresh grant so far. */
  refreshes = 0;

  uninstall(): void {
    for (const t of this.tokens.values()) t.revoked = true;
    for (const r of this.refresh.values()) r.retired = true;
    this.installed = false;
  }

  /** Every access token issued by OAuth expires now (the static token is kept). */
  expireAccessTokens(): void {
    for (const t of this.tokens.values()) if (t.expiring) t.expiresAt = this.clock.now();
  }

  /** Revokes every refresh token (a test of a refresh that fails). */
  revokeRefreshTokens(): void {
    for (const r of this.refresh.values()) r.retired = true;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The approval page: what the app asks for, and install / cancel buttons (plain forms, so a test can post them). */
export function approvalPage(grant: { id: string; scopes: string[]; redirectUri: string }, shopDomain: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Install app - ${esc(shopDomain)}</title></head><body>
<h1>Install app on ${esc(shopDomain)}</h1>
<p>The app asks for:</p><ul>${grant.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<p>It will redirect to ${esc(grant.redirectUri)}</p>
<form method="post" action="/admin/oauth/decide"><input type="hidden" name="request" value="${esc(grant.id)}"><input type="hidden" name="decision" value="approve"><button id="install" type="submit">Install</button></form>
<form method="post" action="/admin/oauth/decide"><input type="hidden" name="request" value="${esc(grant.id)}"><input type="hidden" name="decision" value="deny"><button id="cancel" type="submit">Cancel</button></form>
</body></html>`;
}
