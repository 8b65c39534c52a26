/**
 * Terms (Shopify Admin API as the emulator models it):
 * - shop: one emulated store (domain, access token, app client secret, plan).
 * - plan: standard | advanced | plus | enterprise; sets the cost bucket's restore rate (points/s).
 * - inventory item: the stock-keeping side of a product variant (has the sku); level: its quantity `available`
 *   at one location.
 * - cost: calculated query cost in points; bucket: the leaky bucket those points are taken from.
 * - idempotency key: the `@idempotent(key:)` value; a reused key returns the first result.
 * - subscription: a webhook subscription (topic + callbackUrl) made with webhookSubscriptionCreate.
 * - delivery: one attempt to POST a webhook; loss/duplication/delay knobs bend delivery like the real thing.
 * - timeScale: multiplies webhook retry delays and timeouts so tests take milliseconds (1 = real time).
 */
import type { Clock } from '../../domain/types.ts';

export type ShopifyPlan = 'standard' | 'advanced' | 'plus' | 'enterprise';

export interface CatalogEntry {
  sku: string;
  /** `available` at every location (or at the named locations in `levels`). */
  available?: number;
  title?: string;
  /** Per location name, overrides `available`. */
  levels?: Record<string, number>;
}

export interface WebhookKnobs {
  /** Fraction of deliveries never sent (0..1). */
  loss: number;
  /** Fraction of deliveries sent twice (same webhook id). */
  duplication: number;
  /** Extra delay before the first attempt, ms (scaled by timeScale). */
  delayMs: number;
  /** Multiplies retry backoff and the 5 s answer timeout; 1 = real time. */
  timeScale: number;
}

export interface EmulatorKnobs extends WebhookKnobs {
  /** Added before answering each API request, real ms. */
  latencyMs: number;
  plan: ShopifyPlan;
  /** Accept http:// webhook callbacks (Shopify refuses them; for local receivers only). Default false. */
  allowHttpCallbacks: boolean;
  /** How long a bulk operation takes from CREATED to COMPLETED, ms of the emulator's clock (RUNNING from a fifth of it). */
  bulkDurationMs: number;
  /** Answer as Shopify answers an app without protected customer data access: order `customer` and `email` are null. */
  redactCustomers: boolean;
  /** Lifetime of an expiring access token, s (Shopify: 3,600). */
  tokenLifetimeSeconds: number;
  /** Lifetime of a refresh token, s (Shopify: 90 days). */
  refreshTokenLifetimeSeconds: number;
}

export interface ShopifyEmulatorOptions {
  port?: number;
  host?: string;
  shopDomain?: string;
  /**
   * A static, never-expiring token with every scope, as a legacy custom app's `shpat_` (random when omitted).
   * `null`: none; the app must be installed through OAuth.
   */
  accessToken?: string | null;
  /** The app's client id (OAuth) and client secret (OAuth and webhook signing). */
  clientId?: string;
  clientSecret?: string;
  /** Where the app's mandatory compliance webhooks go (the app configuration's compliance URI). */
  complianceWebhookUrl?: string;
  allowHttpCallbacks?: boolean;
  bulkDurationMs?: number;
  redactCustomers?: boolean;
  tokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  plan?: ShopifyPlan;
  latencyMs?: number;
  webhookLoss?: number;
  webhookDuplication?: number;
  webhookDelayMs?: number;
  timeScale?: number;
  /** Generated catalogue size (SKU-00001...), used when `catalog` is not given. Default 20. */
  skus?: number;
  catalog?: CatalogEntry[];
  /** Location names; the first is the primary one. Default ["Main warehouse"]. */
  locations?: string[];
  /** Seed for generated quantities and webhook randomness. */
  seed?: number;
  /** Time source for the cost bucket and timestamps. Default real time. */
  clock?: Clock;
}

export interface LocationRec {
  id: number;
  name: string;
}

export interface ItemRec {
  id: number;
  sku: string;
  variantId: number;
  productId: number;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface LevelRec {
  available: number;
  updatedAt: number;
}

export interface OrderLineRec {
  id: number;
  sku: string | null;
  quantity: number;
  itemId: number | null;
  variantId: number | null;
  productId: number | null;
  title: string;
}

export interface OrderRec {
  id: number;
  number: number;
  name: string;
  email: string | null;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  lines: OrderLineRec[];
  locationId: number;
}

export interface DiscountRec {
  id: number;
  title: string;
  code: string;
  startsAt: string | null;
  endsAt: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  customerIds: string[];
  /** The code is open to every buyer (context/customerSelection `all`). */
  allCustomers: boolean;
  percentage: number | null;
  amount: string | null;
  createdAt: number;
}

export interface CancellationRec {
  orderId: number;
  reason: string;
  restock: boolean;
  refund: boolean;
  notifyCustomer: boolean;
  staffNote: string | null;
  at: number;
}

export interface SubscriptionRec {
  id: number;
  topic: string;
  /** The `uri` it delivers to (an https URL; http only with the allowHttpCallbacks knob). */
  callbackUrl: string;
  createdAt: number;
}

export interface RequestLogEntry {
  at: number;
  apiVersion: string;
  operationType: 'query' | 'mutation' | 'subscription' | null;
  operationName: string | null;
  rootFields: string[];
  requestedCost: number | null;
  actualCost: number | null;
  throttled: boolean;
  errors: string[];
}

export interface DeliveryLogEntry {
  webhookId: string;
  topic: string;
  callbackUrl: string;
  attempt: number;
  status: number | 'error' | 'timeout' | 'lost';
  at: number;
  eventId?: string;
  /** Set on the last failed attempt: Shopify then removed the subscription. */
  subscriptionRemoved?: boolean;
}
