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

/**
 * One line of a store's order. `quantity` is what was ordered; the optional counts are the line's state as the
 * store reports it (webhook or poll), present when the platform reports them:
 * - `currentQuantity`: ordered units not refunded or removed;
 * - `unfulfilledQuantity`: units still to ship (neither fulfilled nor removed); on an open order these are the
 *   units the order still holds;
 * - `fulfilledQuantity`: units shipped by the store's fulfilments;
 * - `refundedQuantity`: units refunded or removed (quantity - currentQuantity);
 * - `restockedQuantity`: of the refunded units, those put back into the store's stock.
 */
export interface RemoteOrderLine {
  sku: string | null;
  quantity: number;
  externalId?: string;
  /** The platform's id of this line (Shopify LineItem gid, WooCommerce line item id). */
  lineId?: string;
  title?: string;
  currentQuantity?: number;
  unfulfilledQuantity?: number;
  fulfilledQuantity?: number;
  refundedQuantity?: number;
  restockedQuantity?: number;
}

/** One shipment of an order, with its tracking. */
export interface RemoteFulfilment {
  /** Platform id (Shopify Fulfillment gid). */
  id: string;
  /** 'success' (shipped), 'cancelled', or another platform status lower-cased (pending, open, error, failure). */
  status: string;
  createdAt: string;
  updatedAt?: string;
  /** Carrier name as given (Shopify `tracking_company` / `trackingInfo.company`). */
  carrier: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  /** The store location it shipped from, when known. */
  locationId?: string | null;
  lines: { lineId: string; sku: string | null; quantity: number }[];
}

/** One refund of an order: which lines, how many units, restocked or not. */
export interface RemoteRefund {
  id: string;
  createdAt: string;
  note?: string | null;
  /** Money returned (a decimal string) and its currency, when the store reports them. */
  amount?: string;
  currency?: string;
  lines: {
    lineId: string;
    sku: string | null;
    quantity: number;
    /** True when these units went back into the store's stock. */
    restocked: boolean;
    /** Platform restock kind (Shopify: cancel, return, no_restock, legacy_restock). */
    restockType?: string;
    locationId?: string | null;
  }[];
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
  lines: RemoteOrderLine[];
  /** Store tags (a forwarded order carries the retailer and its order number). */
  tags?: string[];
  /** The id the order carries from the system that created it (a forwarded order's reference). */
  sourceIdentifier?: string | null;
  /** Platform fulfilment status lower-cased (Shopify: unfulfilled, partially_fulfilled, fulfilled, ...). */
  fulfilmentStatus?: string | null;
  /** Present when the source of the order reported them (a detailed read, or a fulfilment/refund webhook). */
  fulfilments?: RemoteFulfilment[];
  refunds?: RemoteRefund[];
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

/** A location of a store (a warehouse, a shop): where stock is counted. */
export interface StoreLocation {
  /** Platform id (Shopify Location gid). */
  externalId: string;
  name: string;
  /** Inactive locations stock nothing and fulfil nothing. */
  active: boolean;
}

/** `available` of one item at one location of a source store (the supplier's own store). */
export interface SourceLevel {
  /** Platform item id (Shopify InventoryItem gid). */
  externalId: string;
  sku: string | null;
  externalLocationId: string;
  available: number;
  /** When the store last changed this level (ISO), when it says; the time a `set` event carries. */
  updatedAt: string | null;
}

/** A change of one level in a source store, as its webhook reports it. */
export interface SourceLevelChange {
  externalId: string;
  externalLocationId: string;
  available: number;
  /** The store's own time of the change (ISO); stale deliveries are recognised by it. */
  updatedAt: string | null;
}

/** Which units of an order a fulfilment or refund concerns: by the store's line id, or by SKU. */
export interface OrderLineRef {
  /** The store's line id (`RemoteOrderLine.lineId`); preferred when known. */
  lineId?: string;
  sku?: string;
  quantity: number;
}

export interface FulfilRequest {
  /** Lines and quantities shipped in this package; omitted: everything still to ship. */
  lines?: OrderLineRef[];
  carrier?: string | null;
  trackingNumber?: string | null;
  trackingUrl?: string | null;
  /** Let the store tell its customer (Shopify: the shipping confirmation). Default true. */
  notify?: boolean;
}

export interface FulfilResult {
  /** One per shipment made (Shopify: one per location the units are assigned to). */
  fulfilments: RemoteFulfilment[];
  /**
   * False when nothing new was made because this package already exists (same tracking number on the order),
   * so a retried call never ships twice; `fulfilments` then shows the existing one.
   */
  created: boolean;
  detail: string;
}

export interface RefundLinesOptions {
  /** Put the units back into the store's stock (unshipped units: cancelled; shipped units: returned). */
  restock: boolean;
  /** Why (recorded with the refund); e.g. "out of stock". */
  reason?: string;
  /** Note for the store's staff, stored on the refund. */
  note?: string;
  /** Let the store tell its customer about the refund. Default true. */
  notify?: boolean;
  /**
   * Same key, same refund: a retry with the key of an earlier call never refunds twice (Shopify: the
   * `@idempotent` key). Required; derive it from what the refund is for (e.g. the conflict id).
   */
  idempotencyKey: string;
}

export interface RefundLinesResult {
  refund: RemoteRefund;
  /** Money returned to the customer, in the order's currency (a decimal string), and that currency. */
  amount: string;
  currency: string;
  detail: string;
}

export interface PostalAddress {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

/** A retailer's order as it is handed to the supplier's own store. */
export interface ForwardedOrderInput {
  /**
   * Unique and stable for the retailer's order (e.g. `{retailerStoreId}:{platformOrderId}`): the created order
   * carries it, and a retry finds the order made earlier by it instead of making a second one.
   */
  reference: string;
  retailerName: string;
  /** The retailer's order number as its customer knows it (e.g. "#1001"). */
  retailerOrderName: string;
  /** By the supplier's SKU; every SKU must exist in the supplier's store. */
  lines: { sku: string; quantity: number }[];
  shippingAddress?: PostalAddress | null;
  /** The shipping method the customer chose on the retailer's store. */
  shippingMethod?: { title: string; code?: string | null; price?: string | null } | null;
  /** The retailer's customer. Only passed on when `shareCustomer` (the supplier's store would otherwise e-mail them). */
  customer?: { email?: string | null; phone?: string | null; firstName?: string | null; lastName?: string | null } | null;
  shareCustomer?: boolean;
  /** The store's currency for the shipping price (default USD). */
  currency?: string;
  note?: string | null;
  /** Extra tags beside the retailer and order-number tags. */
  tags?: string[];
}

export interface ForwardedOrderResult {
  platformOrderId: string;
  name: string;
  /** False when the order already existed (a retry): nothing new was made. */
  created: boolean;
  order: RemoteOrder;
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
  /** The store's locations (a source store maps them to dropsync locations). */
  listLocations?(): Promise<StoreLocation[]>;
  /**
   * `available` of every item with its SKU at every location of a source store (or the given locations), read
   * whole (large catalogues with the platform's bulk export): the reconciliation read of a stock source.
   */
  readSourceLevels?(opts?: { locationIds?: string[] }): Promise<SourceLevel[]>;
  /** One order with its per-line state, fulfilments with tracking, and refunds; null when the store has no such order. */
  readOrder?(platformOrderId: string): Promise<RemoteOrder | null>;
  /**
   * Ships units of an order on the store with tracking (one package a call; partial and repeated calls for
   * several packages). The store's customer is told when `notify`.
   */
  fulfilOrder?(platformOrderId: string, request: FulfilRequest): Promise<FulfilResult>;
  /** Refunds (and removes) some units of some lines, restocked or not; the rest of the order stands. */
  refundLines?(platformOrderId: string, lines: OrderLineRef[], opts: RefundLinesOptions): Promise<RefundLinesResult>;
  /** Creates the order for a retailer's order in the supplier's own store, once per `reference`. */
  createForwardedOrder?(order: ForwardedOrderInput): Promise<ForwardedOrderResult>;
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
