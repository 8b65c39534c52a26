/**
 * Webhook delivery as WooCommerce does it: asynchronous, the body built at delivery time from the resource as
 * it is then, signed with the webhook's secret, never retried; a webhook whose failure count is already above
 * 5 when another delivery fails (the 7th consecutive failure) is disabled.
 */
import { hmacSha256Base64 } from '../../security/hmac.ts';
import type { Clock } from '../../domain/types.ts';
import { orderJson, productJson, variationJson } from './represent.ts';
import { randomHex, type Rng } from '../../domain/random.ts';
import type { StoreEvent, WooState } from './state.ts';
import type { EmDelivery, EmWebhook, WooKnobs } from './types.ts';

const MAX_FAILURES = 5;
/** Delivery log entries kept (oldest dropped first). */
const LOG_LIMIT = 10_000;

export class WebhookDispatcher {
  readonly deliveries: EmDelivery[] = [];
  /** Scheduled deliveries and how to settle their flush() promise if the emulator closes first. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly state: WooState,
    private readonly rng: Rng,
    private readonly knobs: () => WooKnobs,
    private readonly sourceUrl: () => string,
    private readonly clock: Clock,
  ) {}

  onEvent(event: StoreEvent): void {
    if (this.closed) return;
    for (const hook of this.state.webhooks.values()) {
      if (hook.status !== 'active' || hook.topic !== event.topic) continue;
      const delivery: EmDelivery = {
        deliveryId: randomHex(this.rng, 16),
        webhookId: hook.id,
        topic: hook.topic,
        resourceId: event.resourceId,
        outcome: 'pending',
        at: this.clock.now(),
      };
      this.log(delivery);
      if (this.rng() < this.knobs().webhookLoss) {
        delivery.outcome = 'lost';
        continue;
      }
      // Tracked from the start so flush() also waits for deliveries still in their delay.
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      this.inFlight.add(done);
      const settle = () => {
        this.inFlight.delete(done);
        release();
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.deliver(hook, delivery).finally(settle);
      }, this.knobs().webhookDelayMs);
      this.timers.set(timer, settle);
    }
  }

  private log(delivery: EmDelivery): void {
    this.deliveries.push(delivery);
    if (this.deliveries.length > LOG_LIMIT) this.deliveries.splice(0, this.deliveries.length - LOG_LIMIT);
  }

  private body(topic: string, id: number): unknown {
    if (topic.startsWith('order.')) {
      const o = this.state.orders.get(id);
      return o ? orderJson(o) : null;
    }
    const p = this.state.products.get(id);
    if (p) return productJson(p);
    const v = this.state.variations.get(id);
    return v ? variationJson(v) : null;
  }

  private async deliver(hook: EmWebhook, delivery: EmDelivery): Promise<void> {
    if (this.closed || hook.status !== 'active') {
      delivery.outcome = 'lost';
      return;
    }
    const payload = this.body(delivery.topic, delivery.resourceId);
    if (payload === null) {
      delivery.outcome = 'lost';
      return;
    }
    const raw = JSON.stringify(payload);
    const [resource, event] = hook.topic.split('.');
    try {
      const res = await fetch(hook.deliveryUrl, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.knobs().webhookTimeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'WooCommerce/9.0 Hookshot (WordPress/6.5; dropsync-emulator)',
          'x-wc-webhook-source': `${this.sourceUrl()}/`,
          'x-wc-webhook-topic': hook.topic,
          'x-wc-webhook-resource': resource ?? '',
          'x-wc-webhook-event': event ?? '',
          'x-wc-webhook-signature': hmacSha256Base64(raw, hook.secret),
          'x-wc-webhook-id': String(hook.id),
          'x-wc-webhook-delivery-id': delivery.deliveryId,
        },
        body: raw,
      });
      await res.arrayBuffer().catch(() => undefined);
      delivery.httpStatus = res.status;
      if (res.status >= 200 && res.status < 400) {
        delivery.outcome = 'delivered';
        hook.failureCount = 0;
        return;
      }
      delivery.error = `HTTP ${res.status}`;
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    delivery.outcome = 'failed';
    if (hook.failureCount > MAX_FAILURES) hook.status = 'disabled';
    else hook.failureCount++;
  }

  /** The creation ping: form-encoded `webhook_id=N`, no signature, no X-WC headers. Returns the HTTP status. */
  async ping(hook: EmWebhook): Promise<number | null> {
    const delivery: EmDelivery = { deliveryId: randomHex(this.rng, 16), webhookId: hook.id, topic: 'ping', resourceId: hook.id, outcome: 'ping', at: this.clock.now() };
    this.log(delivery);
    try {
      const res = await fetch(hook.deliveryUrl, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.knobs().webhookTimeoutMs),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `webhook_id=${hook.id}`,
      });
      await res.arrayBuffer().catch(() => undefined);
      delivery.httpStatus = res.status;
      return res.status;
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
      return null;
    }
  }

  /** Resolves once every scheduled delivery has been attempted (tests use this instead of sleeping). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [t, settle] of this.timers) {
      clearTimeout(t);
      settle();
    }
    this.timers.clear();
  }
}
