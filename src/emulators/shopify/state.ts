/**
 * The emulated shop's data and the changes shoppers and staff make to it (orders, cancellations, manual level
 * edits). Every change that Shopify reports by webhook calls `emit(topic, payload)`.
 * Quantities: `available` and `committed` per (item, location); on_hand = available + committed.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { Clock } from '../../domain/types.ts';
import { levelPayload, orderPayload } from './payloads.ts';
import type {
  CancellationRec,
  CatalogEntry,
  DiscountRec,
  ItemRec,
  LevelRec,
  LocationRec,
  OrderRec,
  SubscriptionRec,
} from './types.ts';

export type Emit = (topic: string, payload: unknown) => void;

export interface LevelState extends LevelRec {
  committed: number;
}

export class ShopState {
  readonly locations: LocationRec[] = [];
  readonly items: ItemRec[] = [];
  readonly itemsById = new Map<number, ItemRec>();
  readonly levels = new Map<string, LevelState>();
  readonly orders: OrderRec[] = [];
  readonly discounts: DiscountRec[] = [];
  readonly cancellations: CancellationRec[] = [];
  readonly subscriptions: SubscriptionRec[] = [];
  /** @idempotent key -> fingerprint of the input and the first result. */
  readonly idempotency = new Map<string, { fingerprint: string; result: unknown }>();
  private nextId = 1000;
  private nextOrderNumber = 1001;
  emit: Emit = () => {};
  /** True while the app has no protected customer data access (the redactCustomers knob). */
  redactCustomers: () => boolean = () => false;

  constructor(
    readonly clock: Clock,
    locationNames: string[],
    catalog: CatalogEntry[],
  ) {
    for (const name of locationNames) this.locations.push({ id: this.id(), name });
    const now = clock.now();
    for (const [i, entry] of catalog.entries()) {
      const item: ItemRec = {
        id: this.id(),
        sku: entry.sku,
        variantId: this.id(),
        productId: this.id(),
        title: entry.title ?? `Product ${i + 1}`,
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

  location(id: number): LocationRec | undefined {
    return this.locations.find((l) => l.id === id);
  }

  level(itemId: number, locationId: number): LevelState | undefined {
    return this.levels.get(levelKey(itemId, locationId));
  }

  itemsBySku(sku: string): ItemRec[] {
    return this.items.filter((i) => i.sku === sku);
  }

  /** Writes `available` and reports it as Shopify does (inventory_levels/update). */
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

  /** A shopper's checkout: lowers `available`, raises `committed`, fires orders/create. */
  placeOrder(input: { lines: { sku: string; quantity: number }[]; email?: string | null; locationId?: number; force?: boolean }): OrderRec {
    const locationId = input.locationId ?? this.locations[0]?.id ?? 0;
    if (!this.location(locationId)) throw new DropsyncError('not_found', `unknown location ${locationId}`, 'locationId');
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
      return { item, lvl, quantity: line.quantity };
    });
    const now = this.clock.now();
    const number = this.nextOrderNumber++;
    const order: OrderRec = {
      id: this.id(),
      number,
      name: `#${number}`,
      email: input.email ?? null,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      cancelReason: null,
      locationId,
      lines: resolved.map(({ item, quantity }) => ({
        id: this.id(),
        sku: item.sku,
        quantity,
        itemId: item.id,
        variantId: item.variantId,
        productId: item.productId,
        title: item.title,
      })),
    };
    this.orders.push(order);
    for (const { item, lvl, quantity } of resolved) {
      lvl.committed += quantity;
      this.writeAvailable(item.id, locationId, lvl.available - quantity);
    }
    this.emit('orders/create', orderPayload(order, this.redactCustomers()));
    return order;
  }

  /** Cancels an order (staff or orderCancel); restock puts its units back into `available`. */
  cancelOrder(orderId: number, opts: { reason?: string; restock?: boolean; refund?: boolean; notifyCustomer?: boolean; staffNote?: string | null }): OrderRec {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) throw new DropsyncError('not_found', `order ${orderId} not found`, 'orderId');
    if (order.cancelledAt !== null) throw new DropsyncError('conflict', 'order has already been cancelled', 'orderId');
    const now = this.clock.now();
    order.cancelledAt = now;
    order.updatedAt = now;
    order.cancelReason = (opts.reason ?? 'OTHER').toLowerCase();
    this.cancellations.push({
      orderId,
      reason: opts.reason ?? 'OTHER',
      restock: opts.restock ?? true,
      refund: opts.refund ?? false,
      notifyCustomer: opts.notifyCustomer ?? false,
      staffNote: opts.staffNote ?? null,
      at: now,
    });
    for (const line of order.lines) {
      if (line.itemId === null) continue;
      const lvl = this.level(line.itemId, order.locationId);
      if (!lvl) continue;
      lvl.committed = Math.max(0, lvl.committed - line.quantity);
      if (opts.restock ?? true) this.writeAvailable(line.itemId, order.locationId, lvl.available + line.quantity);
    }
    this.emit('orders/cancelled', orderPayload(order, this.redactCustomers()));
    this.emit('orders/updated', orderPayload(order, this.redactCustomers()));
    return order;
  }

  /** Levels as the control API shows them. */
  levelRows(filter?: { sku?: string }): { sku: string; inventoryItemId: string; locationId: string; available: number; committed: number }[] {
    const rows = [];
    for (const item of this.items) {
      if (filter?.sku !== undefined && item.sku !== filter.sku) continue;
      for (const loc of this.locations) {
        const lvl = this.level(item.id, loc.id);
        if (!lvl) continue;
        rows.push({
          sku: item.sku,
          inventoryItemId: gid('InventoryItem', item.id),
          locationId: gid('Location', loc.id),
          available: lvl.available,
          committed: lvl.committed,
        });
      }
    }
    return rows;
  }
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
