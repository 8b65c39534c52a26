/**
 * Webhook delivery as Shopify does it: signed POSTs to each subscription's uri, 5 s to answer 2xx,
 * 8 retries over about 4 hours replaying the same payload and ids (`X-Shopify-Event-Id` and `X-Shopify-Webhook-Id`
 * stay the same on every retry), and a subscription whose delivery failed through its last retry is removed.
 * Knobs: loss (never delivered), duplication (sent twice), delay; all random draws come from the seeded RNG.
 * `timeScale` multiplies every delay and timeout so tests run in milliseconds.
 * App-level deliveries (the mandatory compliance topics, sent to the app configuration's URI) go out the same way
 * but belong to no subscription.
 */
import { randomUUID } from 'node:crypto';
import { hmacSha256Base64 } from '../../security/hmac.ts';
import type { Clock } from '../../domain/types.ts';
import type { Rng } from '../../domain/random.ts';
import type { ShopState } from './state.ts';
import type { DeliveryLogEntry, WebhookKnobs } from './types.ts';

/** Minutes between attempts: 1+2+4+8+16+32+64+113 = 240 (Shopify says 8 retries over 4 hours, no schedule). */
export const RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 64, 113].map((m) => m * 60_000);
export const ANSWER_TIMEOUT_MS = 5_000;
const MIN_SCALED_TIMEOUT_MS = 100;

export interface WebhookIdentity {
  shopDomain: string;
  clientSecret: string;
  apiVersion: string;
}

interface Delivery {
  /** The subscription it belongs to; null for app-level (compliance) deliveries. */
  subscriptionId: number | null;
  webhookId: string;
  eventId: string;
  topic: string;
  callbackUrl: string;
  body: Buffer;
  triggeredAt: string;
}

/** Topics whose action has an underscore: the enum's last underscore is not the resource/action boundary there. */
const MULTI_WORD_ACTIONS = ['orders/partially_fulfilled', 'customers/data_request', 'inventory_items/create'];

/** `ORDERS_CREATE` -> `orders/create`, `INVENTORY_LEVELS_UPDATE` -> `inventory_levels/update`, `ORDERS_PARTIALLY_FULFILLED` -> `orders/partially_fulfilled`. */
export function topicFromEnum(e: string): string {
  const lower = e.toLowerCase();
  return MULTI_WORD_ACTIONS.find((t) => t.replace('/', '_') === lower) ?? lower.replace(/_([^_]*)$/, '/$1');
}

export function signWebhook(body: Buffer, secret: string): string {
  return hmacSha256Base64(body, secret);
}

export class WebhookDispatcher {
  readonly log: DeliveryLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly state: ShopState,
    private readonly identity: WebhookIdentity,
    readonly knobs: WebhookKnobs,
    private readonly rng: Rng,
    private readonly clock: Clock,
  ) {}

  /** Called by the shop for every event; fans out to matching subscriptions. */
  emit(topic: string, payload: unknown): void {
    if (this.closed) return;
    const body = Buffer.from(JSON.stringify(payload));
    const eventId = randomUUID();
    for (const sub of this.state.subscriptions) {
      if (sub.topic !== topic) continue;
      const d: Delivery = {
        subscriptionId: sub.id,
        webhookId: randomUUID(),
        eventId,
        topic,
        callbackUrl: sub.callbackUrl,
        body,
        triggeredAt: new Date(this.clock.now()).toISOString(),
      };
      if (this.rng() < this.knobs.loss) {
        this.record(d, 0, 'lost');
        continue;
      }
      const copies = this.rng() < this.knobs.duplication ? 2 : 1;
      for (let c = 0; c < copies; c++) this.schedule(d, 1, this.knobs.delayMs);
    }
  }

  /** One app-level delivery (no subscription), e.g. a compliance webhook to the app's configured URI. */
  deliver(url: string, topic: string, payload: unknown): { webhookId: string; eventId: string } {
    const d: Delivery = {
      subscriptionId: null, webhookId: randomUUID(), eventId: randomUUID(), topic, callbackUrl: url,
      body: Buffer.from(JSON.stringify(payload)), triggeredAt: new Date(this.clock.now()).toISOString(),
    };
    if (!this.closed) this.schedule(d, 1, 0);
    return { webhookId: d.webhookId, eventId: d.eventId };
  }

  /** Resolves when no delivery is waiting or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inflight) c.abort();
    this.pending = 0;
    this.flushIdle();
  }

  private schedule(d: Delivery, attempt: number, delayMs: number): void {
    this.pending++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(d, attempt).finally(() => {
        this.pending = Math.max(0, this.pending - 1);
        this.flushIdle();
      });
    }, delayMs * this.knobs.timeScale);
    this.timers.add(timer);
  }

  private async attempt(d: Delivery, attempt: number): Promise<void> {
    if (this.closed) return;
    const ctrl = new AbortController();
    this.inflight.add(ctrl);
    // Scaled like the retries, but never under 100 ms so a loopback receiver can still answer in time.
    const timeout = setTimeout(() => ctrl.abort(), Math.max(MIN_SCALED_TIMEOUT_MS, ANSWER_TIMEOUT_MS * this.knobs.timeScale));
    let status: DeliveryLogEntry['status'];
    try {
      const res = await fetch(d.callbackUrl, {
        method: 'POST',
        body: new Uint8Array(d.body),
        signal: ctrl.signal,
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': d.topic,
          'X-Shopify-Hmac-Sha256': signWebhook(d.body, this.identity.clientSecret),
          'X-Shopify-Shop-Domain': this.identity.shopDomain,
          'X-Shopify-API-Version': this.identity.apiVersion,
          'X-Shopify-Webhook-Id': d.webhookId,
          'X-Shopify-Event-Id': d.eventId,
          'X-Shopify-Triggered-At': d.triggeredAt,
        },
      });
      await res.arrayBuffer().catch(() => undefined);
      status = res.status;
    } catch {
      status = ctrl.signal.aborted ? 'timeout' : 'error';
    } finally {
      clearTimeout(timeout);
      this.inflight.delete(ctrl);
    }
    if (this.closed) return;
    this.record(d, attempt, status);
    const ok = typeof status === 'number' && status >= 200 && status < 300;
    const retryDelay = RETRY_DELAYS_MS[attempt - 1];
    if (!ok && retryDelay !== undefined) this.schedule(d, attempt + 1, retryDelay);
    else if (!ok && d.subscriptionId !== null) {
      // Every retry failed: Shopify removes the subscription.
      const i = this.state.subscriptions.findIndex((x) => x.id === d.subscriptionId);
      if (i >= 0) this.state.subscriptions.splice(i, 1);
      const last = this.log[this.log.length - 1];
      if (last) last.subscriptionRemoved = true;
    }
  }

  private record(d: Delivery, attempt: number, status: DeliveryLogEntry['status']): void {
    this.log.push({ webhookId: d.webhookId, eventId: d.eventId, topic: d.topic, callbackUrl: d.callbackUrl, attempt, status, at: this.clock.now() });
  }

  private flushIdle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
