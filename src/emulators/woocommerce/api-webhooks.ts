/** Webhooks: create (which sends the ping), list, get, update (status to re-activate), delete. */
import { ok, paged, record, type ApiRequest, type ApiResult, type Route } from './api-common.ts';
import type { WebhookDispatcher } from './deliveries.ts';
import { webhookJson } from './represent.ts';
import { randomHex, type Rng } from '../../domain/random.ts';
import { WooError, type WooState } from './state.ts';
import type { EmWebhook } from './types.ts';

const TOPICS = ['order.created', 'order.updated', 'order.deleted', 'product.created', 'product.updated', 'product.deleted', 'coupon.created'];
const STATUSES: EmWebhook['status'][] = ['active', 'paused', 'disabled'];

function validStatus(value: unknown): EmWebhook['status'] {
  if (!STATUSES.includes(value as EmWebhook['status'])) {
    throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): status (status is not one of active, paused, disabled.)');
  }
  return value as EmWebhook['status'];
}

function validUrl(value: unknown): string {
  if (typeof value !== 'string' || !/^https?:\/\//.test(value)) {
    throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): delivery_url');
  }
  return value;
}

export function webhookRoutes(state: WooState, dispatcher: WebhookDispatcher, rng: Rng): Route[] {
  const hook = (id: number): EmWebhook => {
    const w = state.webhooks.get(id);
    if (!w) throw new WooError(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    return w;
  };

  const create = async (req: ApiRequest): Promise<ApiResult> => {
    const body = record(req.body);
    if (typeof body.topic !== 'string' || !TOPICS.includes(body.topic)) {
      throw new WooError(400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is required and must be valid.');
    }
    const w = state.addWebhook({
      topic: body.topic,
      deliveryUrl: validUrl(body.delivery_url),
      secret: typeof body.secret === 'string' && body.secret !== '' ? body.secret : randomHex(rng, 25),
      status: body.status === undefined ? 'active' : validStatus(body.status),
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
    });
    if (w.status === 'active') await dispatcher.ping(w);
    return ok(webhookJson(w), 201);
  };

  const update = (req: ApiRequest): ApiResult => {
    const w = hook(Number(req.params[0]));
    const body = record(req.body);
    if (body.status !== undefined) {
      const status = validStatus(body.status);
      // Emulator choice: re-activating starts a fresh failure count.
      if (status === 'active' && w.status !== 'active') w.failureCount = 0;
      w.status = status;
    }
    if (body.delivery_url !== undefined) w.deliveryUrl = validUrl(body.delivery_url);
    if (typeof body.secret === 'string' && body.secret !== '') w.secret = body.secret;
    if (typeof body.name === 'string') w.name = body.name;
    w.modifiedAt = state.clock.now();
    return ok(webhookJson(w));
  };

  return [
    { method: 'POST', pattern: /^webhooks$/, handle: create },
    {
      method: 'GET',
      pattern: /^webhooks$/,
      handle: (req) => {
        const status = req.query.get('status') ?? 'all';
        const all = [...state.webhooks.values()].filter((w) => status === 'all' || w.status === status);
        return paged(all, req, webhookJson);
      },
    },
    { method: 'GET', pattern: /^webhooks\/(\d+)$/, handle: (req) => ok(webhookJson(hook(Number(req.params[0])))) },
    { method: 'PUT', pattern: /^webhooks\/(\d+)$/, handle: update },
    {
      method: 'DELETE',
      pattern: /^webhooks\/(\d+)$/,
      handle: (req) => {
        const w = hook(Number(req.params[0]));
        state.webhooks.delete(w.id);
        return ok(webhookJson(w));
      },
    },
  ];
}
