/**
 * The emulated shop's data and the changes shoppers and staff make to it: orders (checkout, `orderCreate`),
 * cancellations, manual level edits, and an order's life after it is placed: fulfilment orders, fulfilments with
 * tracking, refunds with restock. Every change that Shopify reports by webhook calls `emit(topic, payload)`.
 * Quantities: `available` and `committed` per (item, location); on_hand = available + committed. A placed order
 * moves its units from `available` to `committed` at its location; a fulfilment ships them (committed and on_hand
 * drop, available stays); a refund with restock puts units back into `available`.
 * The order-life rules live in ./orders.ts; this file holds the records and the shared helpers.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { Clock } from '../../domain/types.ts';
import { levelPayload, orderPayload } from './payloads.ts';
import type {
  CancellationRec,
  CatalogEntry,
  DiscountRec,
  FulfillmentOrderRec,
  FulfillmentRec,
  ItemRec,
  LevelRec,
  LocationRec,
  NotificationRec,
  OrderRec,
  RefundRec,
  SubscriptionRec,
  TransactionRec,
} from './types.ts';

export type Emit = (topic: string, payload: unknown) => void;

export interface LevelState extends LevelRec {
  committed: number;
}

export const DEFAULT_PRICE = '10.00';
/** The emulator's payment gateway for checkout orders (Shopify's test gateway is called "bogus"). */
export const CHECKOUT_GATEWAY = 'bogus';

export class ShopState {
  readonly locations: LocationRec[] = [];
  readonly items: ItemRec[] = [];
  readonly itemsById = new Map<number, ItemRec>();
  readonly levels = new Map<string, LevelState>();
  readonly orders: OrderRec[] = [];
  readonly discounts: DiscountRec[] = [];
  readonly cancellations: CancellationRec[] = [];
  readonly subscriptions: SubscriptionRec[] = [];
  readonly fulfillmentOrders: FulfillmentOrderRec[] = [];
  readonly fulfillments: FulfillmentRec[] = [];
  readonly refunds: RefundRec[] = [];
  readonly transactions: TransactionRec[] = [];
  /** Messages to customers the shop sent (shipping confirmations, refund notices, ...). */
  readonly notifications: NotificationRec[] = [];
  /** @idempotent key -> fingerprint of the input and the first result. */
  readonly idempotency = new Map<string, { fingerprint: string; result: unknown }>();
  private nextId = 1000;
  private nextOrderNumber = 1001;
  emit: Emit = () => {};
  /** True while the app has no protected customer data access (the redactCustomers knob). */
  redactCustomers: () => boolean = () => false;

  constructor(
    readonly clock: Clock,
    locationNames: (string | { name: string; active?: boolean })[],
    catalog: CatalogEntry[],
  ) {
    for (const l of locationNames) {
      const name = typeof l === 'string' ? l : l.name;
      const active = typeof l === 'string' ? true : l.active !== false;
      this.locations.push({ id: this.id(), name, active });
    }
    const now = clock.now();
    for (const [i, entry] of catalog.entries()) {
      const item: ItemRec = {
        id: this.id(),
        sku: entry.sku,
        variantId: this.id(),
        productId: this.id(),
        title: entry.title ?? `Product ${i + 1}`,
        price: entry.price ?? DEFAULT_PRICE,
        createdAt: now,
        updatedAt: now,
      };
      this.items.push(item);
      this.itemsById.set(item.id, item);
      for (const loc of this.locations) {
        const qty = entry.levels?.[loc.name] ?? entry.available ?? 0;
        this.levels.set(levelKey(item.id, loc.id), { available: qty, committed: 0, updatedAt: now });
      }
    }
  }

  id(): number {
    return this.nextId++;
  }

  orderNumber(): number {
    return this.nextOrderNumber++;
  }

  location(id: number): LocationRec | undefined {
    return this.locations.find((l) => l.id === id);
  }

  /** The primary location: the first active one. */
  primaryLocation(): LocationRec | undefined {
    return this.locations.find((l) => l.active) ?? this.locations[0];
  }

  level(itemId: number, locationId: number): LevelState | undefined {
    return this.levels.get(levelKey(itemId, locationId));
  }

  itemsBySku(sku: string): ItemRec[] {
    return this.items.filter((i) => i.sku === sku);
  }

  order(id: number): OrderRec | undefined {
    return this.orders.find((o) => o.id === id);
  }

  /** Writes `available` and reports it as Shopify does (inventory_levels/update, `updated_at` from the clock). */
  writeAvailable(itemId: number, locationId: number, available: number): void {
    const lvl = this.level(itemId, locationId);
    if (!lvl) throw new DropsyncError('not_found', `item ${itemId} is not stocked at location ${locationId}`);
    const now = this.clock.now();
    lvl.available = available;
    lvl.updatedAt = now;
    const item = this.itemsById.get(itemId);
    if (item) item.updatedAt = now;
    this.emit('inventory_levels/update', levelPayload(itemId, locationId, lvl));
  }

  /** Moves units of an item into an order at a location: `available` down, `committed` up. */
  claim(itemId: number, locationId: number, quantity: number): void {
    const lvl = this.level(itemId, locationId);
    if (!lvl) return;
    lvl.committed += quantity;
    this.writeAvailable(itemId, locationId, lvl.available - quantity);
  }

  /** Sends an order's webhooks in Shopify's REST shape. */
  emitOrder(order: OrderRec, topics: string[]): void {
    const payload = orderPayload(this, order, this.redactCustomers());
    for (const t of topics) this.emit(t, payload);
  }

  /** A shopper's checkout: lowers `available`, raises `committed`, fires orders/create. */
  placeOrder(input: { lines: { sku: string; quantity: number }[]; email?: string | null; locationId?: number; force?: boolean }): OrderRec {
    const locationId = input.locationId ?? this.primaryLocation()?.id ?? 0;
    const loc = this.location(locationId);
    if (!loc) throw new DropsyncError('not_found', `unknown location ${locationId}`, 'locationId');
    if (!loc.active) throw new DropsyncError('invalid', `location ${loc.name} is not active`, 'locationId');
    if (!Array.isArray(input.lines) || input.lines.length === 0) throw new DropsyncError('invalid', 'at least one line', 'lines');
    const resolved = input.lines.map((line, i) => {
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
        throw new DropsyncError('invalid', 'must be a positive integer', `lines[${i}].quantity`);
      }
      const item = this.itemsBySku(line.sku)[0];
      if (!item) throw new DropsyncError('not_found', `no product with sku ${line.sku}`, `lines[${i}].sku`);
      const lvl = this.level(item.id, locationId);
      if (!lvl) throw new DropsyncError('invalid', 'not stocked at this location', `lines[${i}].sku`);
      // Shopify's checkout refuses what the store does not show (inventory policy "deny") unless forced.
      if (!input.force && lvl.available < line.quantity) {
        throw new DropsyncError('conflict', `only ${lvl.available} available`, `lines[${i}].quantity`);
      }
      return { item, quantity: line.quantity };
    });
    const order = this.newOrder({
      email: input.email ?? null,
      locationId,
      sourceName: 'web',
      lines: resolved.map(({ item, quantity }) => ({ item, quantity, title: item.title, price: item.price, sku: item.sku })),
    });
    for (const { item, quantity } of resolved) this.claim(item.id, locationId, quantity);
    this.recordSale(order);
    this.emitOrder(order, ['orders/create']);
    return order;
  }

  /** A new order record with one fulfilment order at its location (Shopify creates them with the order). */
  newOrder(input: {
    email: string | null;
    locationId: number;
    sourceName: string;
    lines: { item: ItemRec | null; quantity: number; title: string; price: string; sku: string | null }[];
    tags?: string[];
    note?: string | null;
    sourceIdentifier?: string | null;
    shippingAddress?: OrderRec['shippingAddress'];
    shippingLines?: OrderRec['shippingLines'];
    financialStatus?: string;
    customer?: OrderRec['customer'];
    currency?: string;
  }): OrderRec {
    const now = this.clock.now();
    const number = this.orderNumber();
    const order: OrderRec = {
      id: this.id(),
      number,
      name: `#${number}`,
      email: input.email,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      cancelReason: null,
      locationId: input.locationId,
      tags: input.tags ?? [],
      note: input.note ?? null,
      sourceIdentifier: input.sourceIdentifier ?? null,
      sourceName: input.sourceName,
      currency: input.currency ?? 'USD',
      shippingAddress: input.shippingAddress ?? null,
      shippingLines: input.shippingLines ?? [],
      financialStatus: input.financialStatus ?? 'paid',
      customer: input.customer ?? null,
      lines: input.lines.map((l) => ({
        id: this.id(),
        sku: l.sku,
        quantity: l.quantity,
        itemId: l.item?.id ?? null,
        variantId: l.item?.variantId ?? null,
        productId: l.item?.productId ?? null,
        title: l.title,
        price: l.price,
        fulfilled: 0,
        removed: 0,
        returned: 0,
        restocked: 0,
      })),
    };
    this.orders.push(order);
    this.fulfillmentOrders.push({
      id: this.id(),
      orderId: order.id,
      locationId: input.locationId,
      status: 'OPEN',
      lines: order.lines.map((l) => ({ id: this.id(), lineItemId: l.id, totalQuantity: l.quantity, remainingQuantity: l.quantity })),
      createdAt: now,
      updatedAt: now,
    });
    return order;
  }

  /** The payment of a paid order: one successful sale of its total. */
  recordSale(order: OrderRec, gateway = CHECKOUT_GATEWAY): void {
    this.transactions.push({
      id: this.id(), orderId: order.id, kind: 'sale', gateway, amount: fromCents(orderTotalCents(order)), parentId: null, status: 'success', createdAt: order.createdAt,
    });
  }

  /** Cancels an order (staff or orderCancel); restock puts its unshipped units back into `available`. */
  cancelOrder(orderId: number, opts: { reason?: string; restock?: boolean; refund?: boolean; notifyCustomer?: boolean; staffNote?: string | null }): OrderRec {
    const order = this.order(orderId);
    if (!order) throw new DropsyncError('not_found', `order ${orderId} not found`, 'orderId');
    if (order.cancelledAt !== null) throw new DropsyncError('conflict', 'order has already been cancelled', 'orderId');
    const now = this.clock.now();
    order.cancelledAt = now;
    order.updatedAt = now;
    order.cancelReason = (opts.reason ?? 'OTHER').toLowerCase();
    if (opts.refund) order.financialStatus = 'refunded';
    this.cancellations.push({
      orderId,
      reason: opts.reason ?? 'OTHER',
      restock: opts.restock ?? true,
      refund: opts.refund ?? false,
      notifyCustomer: opts.notifyCustomer ?? false,
      staffNote: opts.staffNote ?? null,
      at: now,
    });
    for (const fo of this.fulfillmentOrders) {
      if (fo.orderId !== orderId || fo.status === 'CLOSED') continue;
      fo.status = 'CANCELLED';
      fo.updatedAt = now;
    }
    for (const line of order.lines) {
      const open = line.quantity - line.fulfilled - line.removed;
      if (line.itemId === null || open <= 0) continue;
      const lvl = this.level(line.itemId, order.locationId);
      if (!lvl) continue;
      lvl.committed = Math.max(0, lvl.committed - open);
      if (opts.restock ?? true) this.writeAvailable(line.itemId, order.locationId, lvl.available + open);
    }
    if (opts.notifyCustomer) this.notifications.push({ at: now, orderId, email: order.email, kind: 'cancellation' });
    this.emitOrder(order, ['orders/cancelled', 'orders/updated']);
    return order;
  }

  /** Levels as the control API shows them. */
  levelRows(filter?: { sku?: string; locationId?: number }): { sku: string; inventoryItemId: string; locationId: string; location: string; available: number; committed: number; onHand: number; updatedAt: string }[] {
    const rows = [];
    for (const item of this.items) {
      if (filter?.sku !== undefined && item.sku !== filter.sku) continue;
      for (const loc of this.locations) {
        if (filter?.locationId !== undefined && loc.id !== filter.locationId) continue;
        const lvl = this.level(item.id, loc.id);
        if (!lvl) continue;
        rows.push({
          sku: item.sku,
          inventoryItemId: gid('InventoryItem', item.id),
          locationId: gid('Location', loc.id),
          location: loc.name,
          available: lvl.available,
          committed: lvl.committed,
          onHand: lvl.available + lvl.committed,
          updatedAt: new Date(lvl.updatedAt).toISOString(),
        });
      }
    }
    return rows;
  }
}

/** Money in cents from a decimal string ("12.5" -> 1250). */
export function toCents(amount: string | number): number {
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return NaN;
  return Math.round(n * 100);
}

export function fromCents(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** Lines' price x quantity plus shipping: what the shopper paid. */
export function orderTotalCents(order: OrderRec): number {
  return order.lines.reduce((s, l) => s + toCents(l.price) * l.quantity, 0) + order.shippingLines.reduce((s, l) => s + toCents(l.price), 0);
}

export function levelKey(itemId: number, locationId: number): string {
  return `${itemId}:${locationId}`;
}

export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Numeric id of a gid of the given type, or null when it is not one. */
export function parseGid(value: unknown, type?: string): number | null {
  if (typeof value !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(value);
  if (!m || (type && m[1] !== type)) return null;
  return Number(m[2]);
}

export function gidType(value: string): string | null {
  return /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(value)?.[1] ?? null;
}
