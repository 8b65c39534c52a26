/**
 * Terms:
 * - emulator: an in-process HTTP server that answers like WooCommerce's REST API v3 (`/wp-json/wc/v3`).
 * - product / variation: WooCommerce's stock-carrying items; ids come from one sequence, as WordPress posts do.
 * - shopper: the control API acting as a customer (places and cancels orders, which moves stock).
 * - knobs: host behaviour that can be changed at runtime (latency, 5xx/429 rates, hangs, webhook loss and delay).
 * - injected failure: a queued answer (status, Retry-After, hang) given to the next API requests, for tests.
 * - delivery: one webhook POST; WooCommerce never retries one and disables a webhook after more than 5
 *   consecutive failed deliveries.
 */
import type { Clock } from '../../domain/types.ts';

export interface WooKnobs {
  /** Added to every API answer, ms. */
  latencyMs: number;
  /** Probability of a 500/503 answer. */
  errorRate: number;
  /** Probability of a 429 answer. */
  rateLimitRate: number;
  /** Retry-After seconds sent with a random 429/503; null sends none. */
  retryAfterSeconds: number | null;
  /** Probability that a request never gets an answer (the client must time out). */
  hangRate: number;
  /** Probability that a webhook delivery is never attempted (cron never ran, host dropped it). */
  webhookLoss: number;
  /** Delay before a delivery is attempted, ms. */
  webhookDelayMs: number;
  /** A delivery taking longer than this counts as failed, ms (WooCommerce: 60 s). */
  webhookTimeoutMs: number;
}

export interface WooEmulatorOptions {
  port?: number;
  host?: string;
  consumerKey?: string;
  consumerSecret?: string;
  /** Seeded catalogue size (SKUs), default 20. */
  skus?: number;
  /** Share of seeded SKUs that are variations of variable products, default 0.5. */
  variationsRatio?: number;
  /** Seed for every random choice (catalogue, knobs, ids of deliveries). */
  seed?: number;
  knobs?: Partial<WooKnobs>;
  clock?: Clock;
  /** Keep at most this many request-log entries, default 10,000. */
  requestLogLimit?: number;
}

export interface EmProduct {
  id: number;
  type: 'simple' | 'variable';
  name: string;
  sku: string;
  manageStock: boolean;
  stockQuantity: number | null;
  variationIds: number[];
  modifiedAt: number;
}

export interface EmVariation {
  id: number;
  parentId: number;
  sku: string;
  manageStock: boolean;
  stockQuantity: number | null;
  modifiedAt: number;
}

export interface EmLineItem {
  id: number;
  productId: number;
  variationId: number;
  sku: string | null;
  quantity: number;
}

export interface EmOrder {
  id: number;
  status: string;
  createdAt: number;
  modifiedAt: number;
  email: string;
  lines: EmLineItem[];
  /** Stock was reduced for this order (so a cancellation restocks). */
  stockReduced: boolean;
  meta: Array<{ id: number; key: string; value: unknown }>;
}

export interface EmNote {
  id: number;
  orderId: number;
  note: string;
  customerNote: boolean;
  createdAt: number;
}

export interface EmCoupon {
  id: number;
  code: string;
  amount: string;
  discountType: string;
  usageLimit: number | null;
  emailRestrictions: string[];
  description: string;
  createdAt: number;
}

export interface EmWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  deliveryUrl: string;
  secret: string;
  failureCount: number;
  createdAt: number;
  modifiedAt: number;
}

export interface EmDelivery {
  deliveryId: string;
  webhookId: number;
  topic: string;
  resourceId: number;
  /** lost: never attempted (webhook loss knob); ping: the creation ping. */
  outcome: 'pending' | 'delivered' | 'failed' | 'lost' | 'ping';
  httpStatus?: number;
  error?: string;
  at: number;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number;
  /** Items in a batch request, when it is one. */
  batchItems?: number;
}

export interface InjectedFailure {
  status: number;
  retryAfterSeconds?: number | null;
  /** Never answer. */
  hang?: boolean;
}

/** A shopper's order line: by SKU. */
export interface ShopperLine {
  sku: string;
  quantity: number;
}

/** What the control API reports per stock-carrying item. */
export interface StockRow {
  sku: string;
  id: number;
  parentId: number;
  manageStock: boolean;
  stockQuantity: number | null;
}
