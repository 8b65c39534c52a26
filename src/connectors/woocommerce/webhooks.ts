/**
 * Incoming WooCommerce webhooks: signature check (base64 HMAC-SHA256 of the raw body, constant time), the
 * creation ping (form-encoded `webhook_id=N`, unsigned), order deliveries with their dedupe keys, and the echo
 * of dropsync's own cancellations.
 */
import { invalid } from '../../domain/errors.ts';
import { verifyHmacSha256Base64 } from '../../security/hmac.ts';
import { isOwnCancellation, toRemoteOrder, type WooOrderJson } from './orders.ts';
import type { WooWebhookEvent } from './types.ts';

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

export function verifyWooWebhook(rawBody: Buffer, headers: HeaderBag, secret: string): boolean {
  return verifyHmacSha256Base64(rawBody, header(headers, 'x-wc-webhook-signature'), secret);
}

export function parseWooWebhook(headers: HeaderBag, rawBody: Buffer): WooWebhookEvent {
  const topic = header(headers, 'x-wc-webhook-topic');
  const text = rawBody.toString('utf8');
  if (!topic) {
    const ping = /^webhook_id=(\d+)$/.exec(text.trim());
    if (ping) return { kind: 'ping', webhookId: Number(ping[1]) };
    throw invalid('headers.x-wc-webhook-topic', 'missing: not a WooCommerce webhook');
  }
  if (!topic.startsWith('order.')) return { kind: 'other', topic };
  let order: WooOrderJson;
  try {
    order = JSON.parse(text) as WooOrderJson;
  } catch {
    throw invalid('body', 'not JSON');
  }
  if (!order || typeof order.id !== 'number' || typeof order.status !== 'string') throw invalid('body.id', 'an order needs a numeric id and a status');
  const deliveryId = header(headers, 'x-wc-webhook-delivery-id') ?? null;
  // Status is part of the key: WooCommerce dates are to the second, and two changes can share one.
  const keys = [`order:${order.id}:${order.date_modified_gmt ?? ''}:${order.status}`];
  if (deliveryId) keys.unshift(`delivery:${deliveryId}`);
  return { kind: 'order', topic, deliveryId, order: toRemoteOrder(order), dedupeKeys: keys, ownCancellation: isOwnCancellation(order) };
}

export type WooWebhookOutcome = { ok: true; event: WooWebhookEvent } | { ok: false; reason: 'bad_signature' | 'bad_request'; message: string };

/**
 * Everything the HTTP layer needs for `POST /webhooks/woocommerce/{storeId}`: the ping is accepted unsigned
 * (it carries nothing), everything else must be signed. Answer 200 when ok, 401 on bad_signature, 400 otherwise.
 */
export function handleWooWebhook(rawBody: Buffer, headers: HeaderBag, secret: string): WooWebhookOutcome {
  const isPing = !header(headers, 'x-wc-webhook-topic');
  if (!isPing && !verifyWooWebhook(rawBody, headers, secret)) {
    return { ok: false, reason: 'bad_signature', message: 'X-WC-Webhook-Signature does not match' };
  }
  try {
    return { ok: true, event: parseWooWebhook(headers, rawBody) };
  } catch (err) {
    return { ok: false, reason: 'bad_request', message: err instanceof Error ? err.message : String(err) };
  }
}
