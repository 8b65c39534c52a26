/**
 * Terms:
 * - store: one retailer's shop on a platform (shopify, woocommerce, http, test).
 * - listing: a supplier SKU mapped to one item on one store (`externalId`, e.g. a Shopify inventory item gid
 *   or a WooCommerce product/variation id) at one location of that store.
 * - desired: the quantity dropsync wants the store to show; confirmed: the last quantity the store acknowledged.
 * - push: sending desired quantities to a store; each item comes back acknowledged or failed on its own.
 * - drift: the store shows something other than what was last confirmed (a retailer edit, or a retailer sale
 *   whose webhook has not arrived yet). The engine records it and pushes its own number again.
 * - compensation: what is done on the retailer's store for an order that lost the last-units race.
 *
 * A connector is small on purpose: the engine decides what to push and when; the connector only speaks the
 * platform's protocol.
 */
import type { Clock } from '../domain/types.ts';

export type Platform = 'shopify' | 'woocommerce' | 'http' | 'test';

/** One quantity to write. */
export interface PushItem {
  listingId: string;
  sku: string;
  /** Platform item id (Shopify inventory item gid, WooCommerce `product:ID` or `variation:PARENT:ID`). */
  externalId: string;
  /** Platform location id where the platform has locations (Shopify). */
  externalLocationId?: string | null;
  quantity: number;
  /** What the store last acknowledged, null when never pushed. Shopify uses it as changeFromQuantity. */
  lastConfirmed: number | null;
}

export type PushItemResult =
  | { listingId: string; ok: true; quantity: number }
  | {
      listingId: string;
      ok: false;
      /** Short reason, recorded in the push log. */
      error: string;
      /** False for errors a retry cannot fix (unknown item). The engine still retries, slowly. */
      retryable: boolean;
      /** When the store reported what it actually shows (stale compare, read-back): the drift to record. */
      actual?: number;
    };

export interface PushResult {
  items: PushItemResult[];
  /** Set when the platform asked to slow down (Retry-After, throttle): wait at least this long. */
  retryAfterMs?: number;
}

export interface LevelReading {
  externalId: string;
  quantity: number;
}

/** An order as a store reports it (webhook, poll or API). */
export interface RemoteOrder {
  platformOrderId: string;
  /** Human name, e.g. "#1001". */
  name?: string;
  email?: string | null;
  createdAt: string;
  updatedAt?: string;
  status: 'open' | 'cancelled';
  lines: { sku: string | null; quantity: number; externalId?: string }[];
}

export interface OrdersPage {
  orders: RemoteOrder[];
  /** Opaque cursor to pass next time. */
  cursor: string | null;
}

/** What the engine hands a connector when an order lost the race for the last units. */
export interface ConflictInfo {
  conflictId: string;
  platformOrderId: string;
  orderName?: string;
  email?: string | null;
  lines: { sku: string; quantity: number; shortBy: number }[];
  /** Configured per retailer: cancel, backorder or notify. Only `cancel` acts on the store. */
  action: 'cancel' | 'backorder' | 'notify';
  /** Value of the apology discount/coupon in the store's currency. */
  discountValue: number;
  apologyNote: string;
}

export interface CompensationResult {
  cancelled: boolean;
  /** Discount or coupon code created for the customer, if any. */
  code?: string;
  /** What was done, human readable, for the conflict record. */
  detail: string;
}

/** Rate-limit state the dispatcher consults before a push. */
export interface RateLimitState {
  /** Milliseconds to wait before the next call can be afforded; 0 = go now. */
  waitMs: number;
}

export interface Connector {
  readonly platform: Platform;
  /** Largest batch one push call may carry (Shopify 250, WooCommerce 100). */
  readonly maxBatch: number;
  push(items: PushItem[]): Promise<PushResult>;
  /** Current levels of the given listings (all mapped listings when omitted). */
  readLevels(externalIds?: string[]): Promise<LevelReading[]>;
  /** Orders created or changed since the cursor (null: from the start of the store's history window). */
  fetchOrders(cursor: string | null): Promise<OrdersPage>;
  compensate(conflict: ConflictInfo): Promise<CompensationResult>;
  rateLimit(): RateLimitState;
  /**
   * Periodic upkeep the platform needs, run after each reconciliation (Shopify: re-create the webhook
   * subscriptions Shopify removed, and report their state).
   */
  maintain?(): Promise<void>;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/** A store as the engine hands it to a connector factory: credentials already decrypted. */
export interface StoreConnection {
  storeId: string;
  supplierId: string;
  platform: Platform;
  /** Non-secret settings: shop domain, base URL, location id, API version. */
  config: Record<string, unknown>;
  /** Decrypted secrets: access token, consumer key/secret, webhook secret. */
  credentials: Record<string, string>;
}

/**
 * What a connector may write about its store: credentials it rotates (expiring tokens: one process at a time
 * refreshes a store's token through `claim`, and the new credentials are saved before they are used, so a crash
 * never leaves the stored refresh token older than the one the platform expects), access lost, and the state of
 * its webhook subscriptions.
 */
export interface CredentialPort {
  /** The store's credentials as stored now, decrypted. */
  load(storeId: string): Promise<Record<string, string>>;
  /** Takes the store's refresh claim for `ms` (false while another process holds it). */
  claim(storeId: string, ms: number): Promise<boolean>;
  /** Persists new credentials and releases the claim, in one write. */
  save(storeId: string, credentials: Record<string, string>): Promise<void>;
  release(storeId: string): Promise<void>;
  /** The platform refused the refresh for good: pause the store, mark its access lost, record an alert. */
  accessLost(storeId: string, reason: string): Promise<void>;
  /** Records the per-topic state of the store's webhook subscriptions (checked by `maintain`). */
  webhookState?(storeId: string, state: { topic: string; status: string; error?: string }[]): Promise<void>;
}

export interface ConnectorDeps {
  clock: Clock;
  /** fetch, injectable for tests. */
  fetch?: typeof fetch;
  /** Persistence for rotated credentials; without it expiring tokens are not refreshed. */
  credentials?: CredentialPort;
}

export type ConnectorFactory = (store: StoreConnection, deps: ConnectorDeps) => Connector;
