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
  /** Unit price in the shop's currency (a decimal string); default "10.00". */
  price?: string;
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
  /** Location names (or `{name, active}`); the first is the primary one. Default ["Main warehouse"]. */
  locations?: (string | { name: string; active?: boolean })[];
  /** Seed for generated quantities and webhook randomness. */
  seed?: number;
  /** Time source for the cost bucket and timestamps. Default real time. */
  clock?: Clock;
}

export interface LocationRec {
  id: number;
  name: string;
  /** An inactive location keeps its levels but takes no new orders (Location.isActive). */
  active: boolean;
}

export interface ItemRec {
  id: number;
  sku: string;
  variantId: number;
  productId: number;
  title: string;
  price: string;
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
  /** Unit price, a decimal string. */
  price: string;
  /** Units shipped by fulfilments. */
  fulfilled: number;
  /** Unshipped units refunded (cancel or no restock): removed from the order. */
  removed: number;
  /** Shipped units refunded (return, or no restock after shipping). */
  returned: number;
  /** Refunded units put back into stock. */
  restocked: number;
}

export interface MailingAddressRec {
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province_code: string | null;
  country_code: string | null;
  zip: string | null;
  phone: string | null;
}

export interface ShippingLineRec {
  id: number;
  title: string;
  code: string | null;
  price: string;
}

export interface TransactionRec {
  id: number;
  orderId: number;
  kind: 'sale' | 'refund';
  gateway: string;
  amount: string;
  parentId: number | null;
  status: 'success';
  createdAt: number;
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
  tags: string[];
  note: string | null;
  sourceIdentifier: string | null;
  sourceName: string;
  currency: string;
  shippingAddress: MailingAddressRec | null;
  shippingLines: ShippingLineRec[];
  /** Financial status as REST spells it: paid, partially_refunded, refunded, pending, ... */
  financialStatus: string;
  /** A customer given to orderCreate (name and phone beside the email). */
  customer: { firstName: string | null; lastName: string | null; phone: string | null } | null;
}

export interface FulfillmentOrderLineRec {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FulfillmentOrderRec {
  id: number;
  orderId: number;
  locationId: number;
  /** As the GraphQL enum spells it. */
  status: 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED';
  lines: FulfillmentOrderLineRec[];
  createdAt: number;
  updatedAt: number;
}

export interface FulfillmentRec {
  id: number;
  orderId: number;
  /** `#1001.1`, `#1001.2`, ... */
  name: string;
  locationId: number;
  status: 'success' | 'cancelled';
  trackingCompany: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  lines: { lineItemId: number; quantity: number }[];
  fulfillmentOrderIds: number[];
  notifyCustomer: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface RefundLineRec {
  id: number;
  lineItemId: number;
  quantity: number;
  /** REST spelling: cancel, return, no_restock. */
  restockType: 'cancel' | 'return' | 'no_restock';
  locationId: number | null;
  restocked: boolean;
  subtotal: string;
}

export interface RefundRec {
  id: number;
  orderId: number;
  note: string | null;
  createdAt: number;
  lines: RefundLineRec[];
  transactions: TransactionRec[];
  notify: boolean;
}

/** A message the shop sent (or would send) its customer. */
export interface NotificationRec {
  at: number;
  orderId: number;
  email: string | null;
  kind: 'order_confirmation' | 'shipping_confirmation' | 'shipping_update' | 'refund' | 'cancellation';
  fulfillmentId?: number;
  refundId?: number;
  tracking?: { company: string | null; numbers: string[]; urls: string[] };
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
