/**
 * Terms (Shopify connector):
 * - shop domain: `name.myshopify.com`; base URL: where the Admin API answers (https://{shopDomain}, or an
 *   emulator's http://127.0.0.1:port).
 * - location: the Shopify location whose `available` quantities dropsync manages (a Location gid).
 * - cost / bucket / throttleStatus: Shopify's calculated query cost and the leaky bucket it is taken from.
 * - changeFromQuantity: the compare-and-swap value of inventorySetQuantities (our last confirmed quantity).
 * - idempotency key: the `@idempotent(key:)` value, derived from a batch's content so a retry reuses it.
 * - discovery: finding the inventory items of a supplier's SKUs on the store.
 */
import type { Clock } from '../../domain/types.ts';
import type { RemoteFulfilment, RemoteOrder, RemoteRefund } from '../types.ts';

export type ShopifyPlan = 'standard' | 'advanced' | 'plus' | 'enterprise';

export const DEFAULT_SHOPIFY_API_VERSION = '2026-10';

export interface ShopifyConfig {
  shopDomain: string;
  baseUrl?: string;
  /** The location dropsync pushes to; optional for a source store (`role: 'source'`), which reads every location. */
  locationId: string;
  /** `retailer` (default): a store dropsync pushes to; `source`: the supplier's own store, read as a stock source. */
  role?: 'retailer' | 'source';
  apiVersion?: string;
  /** Catalogue size from which reading all levels uses a bulk operation (default 2,000). */
  bulkThreshold?: number;
  /** Where this store's webhooks go (dropsync's /webhooks/shopify/{storeId}); its subscriptions are checked periodically. */
  webhookUri?: string;
  /** Accept an http:// webhookUri (a local emulator only). */
  allowHttpWebhooks?: boolean;
}

/** Where an expiring token comes from: refreshed before it expires, and once more when Shopify answers 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Shopify refused `stale`: a fresher token, or null when there is none. */
  onUnauthorized(stale: string): Promise<string | null>;
}

export interface ShopifyClientOptions {
  shopDomain: string;
  baseUrl?: string;
  /** A static token (pasted `shpat_`), used when `tokens` is not given. */
  accessToken: string;
  tokens?: TokenSource;
  apiVersion?: string;
  clock: Clock;
  fetch?: typeof fetch;
  /** How reads wait for the bucket; default real timers. Tests and the benchmark inject virtual time. */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout, ms. Default 30 s. */
  timeoutMs?: number;
}

export interface Listing {
  sku: string;
  externalId: string;
  externalLocationId: string;
  /** `available` at that location when discovered. */
  available: number | null;
}

export type DiscoveryProblemKind = 'missing' | 'duplicate' | 'case_mismatch' | 'not_stocked';

export interface DiscoveryProblem {
  sku: string;
  kind: DiscoveryProblemKind;
  detail: string;
  /** The store items involved (duplicates, near matches). */
  externalIds?: string[];
  /** For case_mismatch: the SKUs as the store spells them. */
  storeSkus?: string[];
}

export interface ConnectOptions {
  shopDomain: string;
  baseUrl?: string;
  accessToken: string;
  /** Location gid; the first active location when omitted. */
  locationId?: string;
  /** Where Shopify should POST webhooks (dropsync's /webhooks/shopify/{storeId}); no subscriptions when omitted. */
  webhookCallbackUrl?: string;
  /** Accept an http:// callback (a local emulator only; Shopify itself refuses them). Default false. */
  allowHttpWebhooks?: boolean;
  apiVersion?: string;
  clock?: Clock;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface ConnectResult {
  locationId: string;
  listings: Listing[];
  problems: DiscoveryProblem[];
  webhooks: { topic: string; ok: boolean; id?: string; error?: string }[];
}

export interface ComplianceCustomer {
  /** Customer gid, when Shopify sent an id. */
  id: string | null;
  email: string | null;
  phone: string | null;
}

export type ShopifyWebhookEvent =
  | { kind: 'order'; order: RemoteOrder }
  | { kind: 'order_cancelled'; order: RemoteOrder }
  /** `updatedAt`: the store's time of the change (the REST body's `updated_at`), null when absent. */
  | { kind: 'level'; externalId: string; externalLocationId: string; quantity: number; updatedAt: string | null }
  /** fulfillments/create, fulfillments/update (with `fulfilment`) and refunds/create (with `refund`). */
  | { kind: 'fulfillment'; topic: string; orderId: string | null; fulfilment?: RemoteFulfilment; refund?: RemoteRefund }
  | { kind: 'uninstalled'; shopDomain: string | null }
  | { kind: 'customer_data_request'; shopDomain: string; customer: ComplianceCustomer; orderIds: string[]; requestId: string | null }
  | { kind: 'customer_redact'; shopDomain: string; customer: ComplianceCustomer; orderIds: string[] }
  | { kind: 'shop_redact'; shopDomain: string };
