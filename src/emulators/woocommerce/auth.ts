/**
 * WooCommerce's REST authentication: Basic (header or consumer_key/consumer_secret query parameters) and
 * OAuth 1.0a one-legged (parameters in the query or an `Authorization: OAuth` header; HMAC-SHA1/SHA256;
 * timestamp within 15 minutes; a nonce is used once). Basic is accepted over plain http too, because the
 * emulator cannot tell whether a TLS proxy sits in front of it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { oauthSignature, signatureBaseString, type OAuthMethod } from '../../connectors/woocommerce/oauth.ts';
import { WooError } from './state.ts';

const WINDOW_SECONDS = 15 * 60;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authError(message: string): WooError {
  return new WooError(401, 'woocommerce_rest_authentication_error', message);
}

function parseOAuthHeader(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of value.replace(/^OAuth\s+/i, '').matchAll(/([\w-]+)="([^"]*)"/g)) {
    out.set(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!));
  }
  return out;
}

export class WooAuth {
  /** Nonces seen, with their timestamp, pruned once outside the window. */
  private readonly nonces = new Map<string, number>();
  private lastPrune = 0;

  constructor(
    private readonly consumerKey: string,
    private readonly consumerSecret: string,
    private readonly nowMs: () => number,
  ) {}

  /** Throws a WooError when the request is not authenticated. `url` must be absolute as the client saw it. */
  check(method: string, url: URL, headers: IncomingHttpHeaders): void {
    const authz = headers.authorization ?? '';
    if (/^Basic /i.test(authz)) {
      const decoded = Buffer.from(authz.slice(6), 'base64').toString();
      const at = decoded.indexOf(':');
      return this.checkKeys(decoded.slice(0, at), decoded.slice(at + 1));
    }
    const q = url.searchParams;
    if (q.has('consumer_key') && q.has('consumer_secret')) {
      return this.checkKeys(q.get('consumer_key')!, q.get('consumer_secret')!);
    }
    // PHP's $_GET keeps the last of repeated keys; the official client repeats its query in the oauth set.
    const query = [...new Map(q.entries()).entries()];
    if (q.has('oauth_consumer_key')) return this.checkOAuth(method, url, query);
    if (/^OAuth /i.test(authz)) {
      const params = [...parseOAuthHeader(authz).entries()].filter(([k]) => k !== 'realm');
      return this.checkOAuth(method, url, [...query, ...params]);
    }
    throw new WooError(401, method === 'GET' ? 'woocommerce_rest_cannot_view' : 'woocommerce_rest_cannot_edit', 'Sorry, you cannot list resources.');
  }

  private checkKeys(key: string, secret: string): void {
    if (!safeEqual(key, this.consumerKey)) throw authError('Consumer key is invalid.');
    if (!safeEqual(secret, this.consumerSecret)) throw authError('Consumer secret is invalid.');
  }

  private checkOAuth(method: string, url: URL, params: Array<[string, string]>): void {
    const get = (k: string) => params.find(([name]) => name === k)?.[1];
    for (const required of ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method']) {
      if (!get(required)) throw authError(`Missing OAuth parameter ${required}`);
    }
    if (!safeEqual(get('oauth_consumer_key')!, this.consumerKey)) throw authError('Consumer key is invalid.');
    const sigMethod = get('oauth_signature_method')!;
    if (sigMethod !== 'HMAC-SHA1' && sigMethod !== 'HMAC-SHA256') {
      throw authError('Invalid signature method - HMAC-SHA1 and HMAC-SHA256 are supported.');
    }
    const base = signatureBaseString(
      method,
      `${url.origin}${url.pathname}`,
      params.filter(([k]) => k !== 'oauth_signature'),
    );
    const expected = oauthSignature(base, this.consumerSecret, sigMethod as OAuthMethod);
    if (!safeEqual(expected, get('oauth_signature')!)) throw authError('Invalid signature - provided signature does not match.');
    const timestamp = Number(get('oauth_timestamp'));
    const now = Math.floor(this.nowMs() / 1000);
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > WINDOW_SECONDS) throw authError('Invalid timestamp.');
    const nonce = get('oauth_nonce')!;
    if (now - this.lastPrune >= 60) {
      // A nonce older than the window can no longer pass the timestamp check, so it need not be kept.
      for (const [n, ts] of this.nonces) if (ts < now - WINDOW_SECONDS) this.nonces.delete(n);
      this.lastPrune = now;
    }
    if (this.nonces.has(nonce)) throw authError('Invalid nonce - nonce has already been used.');
    this.nonces.set(nonce, timestamp);
  }
}
