/**
 * The emulated store's data and the rules WooCommerce applies to it (stock only moves when managed,
 * cancellation restocks what was reduced). No HTTP here; the API and control routes call these methods.
 */
import type { Clock } from '../../domain/types.ts';
import type { Rng } from '../../domain/random.ts';
import { randomInt } from '../../domain/random.ts';
import type { EmCoupon, EmNote, EmOrder, EmProduct, EmVariation, EmWebhook, ShopperLine, StockRow } from './types.ts';

export type StoreEvent = { topic: string; resourceId: number };

export class WooError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StockFields {
  manage_stock?: unknown;
  stock_quantity?: unknown;
  sku?: unknown;
  name?: unknown;
}

export class WooState {
  private nextId = 10;
  private nextOrderId = 1000;
  private nextMiscId = 1;
  readonly products = new Map<number, EmProduct>();
  readonly variations = new Map<number, EmVariation>();
  readonly orders = new Map<number, EmOrder>();
  readonly notes: EmNote[] = [];
  readonly coupons: EmCoupon[] = [];
  readonly webhooks = new Map<number, EmWebhook>();
  /** Another writer (an ERP plugin, a retailer's script) that sets these SKUs right after any API write. */
  readonly pins = new Map<string, number>();
  private listener: (event: StoreEvent) => void = () => {};

  constructor(readonly clock: Clock) {}

  onEvent(listener: (event: StoreEvent) => void): void {
    this.listener = listener;
  }

  private emit(topic: string, resourceId: number): void {
    this.listener({ topic, resourceId });
  }

  seed(rng: Rng, skus: number, variationsRatio: number): void {
    const variationCount = Math.round(skus * variationsRatio);
    const simpleCount = skus - variationCount;
    for (let i = 1; i <= simpleCount; i++) {
      this.addProduct({ sku: `SKU-${String(i).padStart(5, '0')}`, stockQuantity: randomInt(rng, 0, 50) });
    }
    let made = 0;
    let parentNo = 0;
    while (made < variationCount) {
      parentNo++;
      const size = Math.min(variationCount - made, randomInt(rng, 2, 8));
      const variations = [];
      for (let v = 1; v <= size; v++) {
        variations.push({ sku: `VAR-${String(parentNo).padStart(4, '0')}-${v}`, stockQuantity: randomInt(rng, 0, 50) });
      }
      this.addProduct({ sku: `PARENT-${String(parentNo).padStart(4, '0')}`, variations });
      made += size;
    }
  }

  /** Adds a product as an import would: no SKU uniqueness check, so duplicates can be staged. */
  addProduct(input: {
    sku: string;
    name?: string;
    manageStock?: boolean;
    stockQuantity?: number | null;
    variations?: Array<{ sku: string; manageStock?: boolean; stockQuantity?: number | null }>;
  }): EmProduct {
    const now = this.clock.now();
    const manage = input.manageStock ?? !input.variations;
    const product: EmProduct = {
      id: this.nextId++,
      type: input.variations ? 'variable' : 'simple',
      name: input.name ?? input.sku,
      sku: input.sku,
      manageStock: manage,
      stockQuantity: manage ? (input.stockQuantity ?? 0) : null,
      variationIds: [],
      modifiedAt: now,
    };
    this.products.set(product.id, product);
    for (const v of input.variations ?? []) this.addVariation(product, v);
    return product;
  }

  addVariation(parent: EmProduct, v: { sku: string; manageStock?: boolean; stockQuantity?: number | null }): EmVariation {
    const manage = v.manageStock ?? true;
    const variation: EmVariation = {
      id: this.nextId++,
      parentId: parent.id,
      sku: v.sku,
      manageStock: manage,
      stockQuantity: manage ? (v.stockQuantity ?? 0) : null,
      modifiedAt: this.clock.now(),
    };
    this.variations.set(variation.id, variation);
    parent.variationIds.push(variation.id);
    return variation;
  }

  /**
   * WooCommerce's rule: `stock_quantity` only counts when the item manages stock, already or in this same
   * request; turning management off clears the quantity.
   */
  applyStockFields(item: EmProduct | EmVariation, fields: StockFields): void {
    if (fields.stock_quantity !== undefined && fields.stock_quantity !== null && !Number.isInteger(fields.stock_quantity)) {
      throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity (stock_quantity is not of type integer.)');
    }
    if (fields.manage_stock !== undefined && typeof fields.manage_stock !== 'boolean') {
      throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): manage_stock (manage_stock is not of type boolean.)');
    }
    if (typeof fields.sku === 'string') item.sku = fields.sku;
    if (typeof fields.name === 'string' && 'name' in item) item.name = fields.name;
    if (fields.manage_stock !== undefined) item.manageStock = fields.manage_stock as boolean;
    if (item.manageStock) {
      if (typeof fields.stock_quantity === 'number') item.stockQuantity = fields.stock_quantity;
      else if (item.stockQuantity === null) item.stockQuantity = 0;
      const pinned = this.pins.get(item.sku);
      if (pinned !== undefined) item.stockQuantity = pinned;
    } else {
      item.stockQuantity = null;
    }
    item.modifiedAt = this.clock.now();
    this.emit('product.updated', item.id);
  }

  /** The stock-carrying item (simple product or variation) a shopper buys under this SKU: first exact match. */
  private itemBySku(sku: string): EmProduct | EmVariation | undefined {
    for (const p of this.products.values()) if (p.type === 'simple' && p.sku === sku) return p;
    for (const v of this.variations.values()) if (v.sku === sku) return v;
    return undefined;
  }

  stockRows(): StockRow[] {
    const rows: StockRow[] = [];
    for (const p of this.products.values()) {
      if (p.type === 'simple') rows.push({ sku: p.sku, id: p.id, parentId: 0, manageStock: p.manageStock, stockQuantity: p.stockQuantity });
    }
    for (const v of this.variations.values()) {
      rows.push({ sku: v.sku, id: v.id, parentId: v.parentId, manageStock: v.manageStock, stockQuantity: v.stockQuantity });
    }
    return rows;
  }

  /** A retailer editing the quantity by hand in wp-admin. */
  setStockBySku(sku: string, quantity: number): void {
    const item = this.itemBySku(sku);
    if (!item) throw new WooError(404, 'not_found', `No item with SKU ${sku}`);
    item.manageStock = true;
    item.stockQuantity = quantity;
    item.modifiedAt = this.clock.now();
    this.emit('product.updated', item.id);
  }

  /** A shopper checks out: stock must cover the lines (unless forced), stock is reduced, order.created fires. */
  placeOrder(lines: ShopperLine[], email: string, force = false): EmOrder {
    if (lines.length === 0) throw new WooError(400, 'invalid_order', 'An order needs at least one line');
    const resolved = lines.map((line) => {
      const item = this.itemBySku(line.sku);
      if (!item) throw new WooError(400, 'woocommerce_rest_invalid_sku', `No product with SKU ${line.sku}`);
      if (!Number.isInteger(line.quantity) || line.quantity <= 0) throw new WooError(400, 'invalid_quantity', 'quantity must be a positive integer');
      if (!force && item.manageStock && (item.stockQuantity ?? 0) < line.quantity) {
        throw new WooError(400, 'woocommerce_rest_insufficient_stock', `Not enough stock for ${line.sku}`);
      }
      return { item, line };
    });
    const now = this.clock.now();
    const order: EmOrder = {
      id: this.nextOrderId++,
      status: 'processing',
      createdAt: now,
      modifiedAt: now,
      email,
      lines: [],
      stockReduced: true,
      meta: [],
    };
    for (const { item, line } of resolved) {
      const isVariation = 'parentId' in item;
      order.lines.push({
        id: this.nextMiscId++,
        productId: isVariation ? item.parentId : item.id,
        variationId: isVariation ? item.id : 0,
        sku: item.sku,
        quantity: line.quantity,
      });
      if (item.manageStock) item.stockQuantity = (item.stockQuantity ?? 0) - line.quantity;
      item.modifiedAt = now;
    }
    this.orders.set(order.id, order);
    this.emit('order.created', order.id);
    return order;
  }

  getOrder(id: number): EmOrder {
    const order = this.orders.get(id);
    if (!order) throw new WooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return order;
  }

  /** Status change by the store (REST PUT) or the shopper; cancelling restocks what the order reduced. */
  setOrderStatus(id: number, status: string, meta?: Array<{ key: string; value: unknown }>): EmOrder {
    const order = this.getOrder(id);
    const statuses = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed'];
    if (!statuses.includes(status)) {
      throw new WooError(400, 'rest_invalid_param', `Invalid parameter(s): status (status is not one of ${statuses.join(', ')}.)`);
    }
    const restock = (status === 'cancelled' || status === 'refunded') && order.stockReduced;
    if (restock) {
      for (const line of order.lines) {
        const item = line.variationId ? this.variations.get(line.variationId) : this.products.get(line.productId);
        if (item?.manageStock) item.stockQuantity = (item.stockQuantity ?? 0) + line.quantity;
      }
      order.stockReduced = false;
    }
    for (const m of meta ?? []) {
      const existing = order.meta.find((x) => x.key === m.key);
      if (existing) existing.value = m.value;
      else order.meta.push({ id: this.nextMiscId++, key: m.key, value: m.value });
    }
    order.status = status;
    order.modifiedAt = this.clock.now();
    this.emit('order.updated', order.id);
    return order;
  }

  addNote(orderId: number, note: string, customerNote: boolean): EmNote {
    this.getOrder(orderId);
    const n: EmNote = { id: this.nextMiscId++, orderId, note, customerNote, createdAt: this.clock.now() };
    this.notes.push(n);
    return n;
  }

  /** WooCommerce stores coupon codes lower-cased and refuses a code that exists. */
  addCoupon(input: Omit<EmCoupon, 'id' | 'createdAt'>): EmCoupon {
    const code = input.code.trim().toLowerCase();
    if (!code) throw new WooError(400, 'woocommerce_rest_empty_coupon_code', 'The coupon code cannot be empty.');
    if (this.coupons.some((c) => c.code === code)) {
      throw new WooError(400, 'woocommerce_rest_coupon_code_already_exists', 'The coupon code already exists');
    }
    const coupon: EmCoupon = { ...input, code, id: this.nextMiscId++, createdAt: this.clock.now() };
    this.coupons.push(coupon);
    return coupon;
  }

  addWebhook(input: { name?: string; topic: string; deliveryUrl: string; secret: string; status?: EmWebhook['status'] }): EmWebhook {
    const now = this.clock.now();
    const hook: EmWebhook = {
      id: this.nextMiscId++,
      name: input.name ?? `Webhook ${input.topic}`,
      status: input.status ?? 'active',
      topic: input.topic,
      deliveryUrl: input.deliveryUrl,
      secret: input.secret,
      failureCount: 0,
      createdAt: now,
      modifiedAt: now,
    };
    this.webhooks.set(hook.id, hook);
    return hook;
  }
}
