/**
 * Webhook signatures: base64 HMAC-SHA256 over the exact raw body, the scheme Shopify (X-Shopify-Hmac-Sha256)
 * and WooCommerce (X-WC-Webhook-Signature) both use. The connectors verify with it; the emulators sign with it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(body, secret)). */
export function hmacSha256Base64(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** True when `given` (base64) is the body's HMAC under `secret`; compared in constant time. False without either. */
export function verifyHmacSha256Base64(body: Buffer, given: string | undefined, secret: string): boolean {
  if (!given || !secret) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const got = Buffer.from(given, 'base64');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
