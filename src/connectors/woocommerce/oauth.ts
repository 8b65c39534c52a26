/**
 * OAuth 1.0a one-legged signing as WooCommerce checks it over plain http: the signature base string is
 * METHOD & encoded base URL & encoded sorted query parameters (the body is not signed), the key is
 * `consumer_secret&`. Pure functions shared by the connector (signing) and the emulator (checking).
 */
import { createHmac, randomBytes } from 'node:crypto';

export type OAuthMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

/** RFC 3986 percent-encoding (encodeURIComponent leaves !'()* alone). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function signatureBaseString(method: string, baseUrl: string, params: Array<[string, string]>): string {
  const encoded = params.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const paramString = encoded.map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${percentEncode(baseUrl)}&${percentEncode(paramString)}`;
}

export function oauthSignature(base: string, consumerSecret: string, method: OAuthMethod): string {
  const algo = method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  return createHmac(algo, `${percentEncode(consumerSecret)}&`).update(base).digest('base64');
}

/**
 * Returns `url` with the oauth_* query parameters added. `nowMs` comes from the caller's Clock.
 */
export function signUrl(
  method: string,
  url: URL,
  consumerKey: string,
  consumerSecret: string,
  nowMs: number,
  signatureMethod: OAuthMethod = 'HMAC-SHA256',
  nonce: string = randomBytes(16).toString('hex'),
): URL {
  const signed = new URL(url.href);
  signed.searchParams.set('oauth_consumer_key', consumerKey);
  signed.searchParams.set('oauth_nonce', nonce);
  signed.searchParams.set('oauth_signature_method', signatureMethod);
  signed.searchParams.set('oauth_timestamp', String(Math.floor(nowMs / 1000)));
  const base = signatureBaseString(method, `${signed.origin}${signed.pathname}`, [...signed.searchParams.entries()]);
  signed.searchParams.set('oauth_signature', oauthSignature(base, consumerSecret, signatureMethod));
  return signed;
}
