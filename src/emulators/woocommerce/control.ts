/**
 * The control surface: what a test, the demo or a human uses to act as shoppers and as a flaky host, and to
 * look inside the store. Available in-process (methods) and over HTTP under `/_control/` (no authentication).
 */
import { ok, record, type ApiResult, type Route } from './api-common.ts';
import type { WebhookDispatcher } from './deliveries.ts';
import { couponJson, noteJson, orderJson, productJson, variationJson, webhookJson, wcDate } from './represent.ts';
import { WooError, type WooState } from './state.ts';
import type { EmDelivery, InjectedFailure, RequestLogEntry, ShopperLine, StockRow, WooKnobs } from './types.ts';

export interface AddProductInput {
  sku: string;
  name?: string;
  manageStock?: boolean;
  stockQuantity?: number | null;
  variations?: Array<{ sku: string; manageStock?: boolean; stockQuantity?: number | null }>;
}

export interface WooControl {
  stock(): StockRow[];
  /** Stock of one SKU (first stock-carrying item with it), undefined when absent or unmanaged. */
  stockOf(sku: string): number | undefined;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  orders(): Record<string, unknown>[];
  coupons(): Record<string, unknown>[];
  notes(): Record<string, unknown>[];
  /** Webhooks with what the REST API hides: secret and failure count. */
  webhooks(): Record<string, unknown>[];
  deliveries(): EmDelivery[];
  knobs(): WooKnobs;
  setKnobs(change: Partial<WooKnobs>): WooKnobs;
  placeOrder(input: { lines: ShopperLine[]; email?: string; force?: boolean }): Record<string, unknown>;
  cancelOrder(orderId: number): Record<string, unknown>;
  addProduct(input: AddProductInput): Record<string, unknown>;
  /** A retailer's hand edit in wp-admin. */
  setStock(sku: string, quantity: number): void;
  /** Another writer that sets this SKU right after every API write (null removes it). */
  pinStock(sku: string, quantity: number | null): void;
  /** The next API requests get these answers, in order, before authentication (host-level failures). */
  injectFailures(failures: InjectedFailure[]): void;
  /** Waits until every scheduled webhook delivery has been attempted. */
  flushWebhooks(): Promise<void>;
}

export interface ControlDeps {
  state: WooState;
  dispatcher: WebhookDispatcher;
  knobs: WooKnobs;
  requestLog: RequestLogEntry[];
  failures: InjectedFailure[];
}

export function createControl(d: ControlDeps): WooControl {
  const { state, dispatcher } = d;
  return {
    stock: () => state.stockRows(),
    stockOf: (sku) => state.stockRows().find((r) => r.sku === sku)?.stockQuantity ?? undefined,
    requests: () => [...d.requestLog],
    clearRequests: () => void d.requestLog.splice(0),
    orders: () => [...state.orders.values()].map(orderJson),
    coupons: () => state.coupons.map(couponJson),
    notes: () => state.notes.map((n) => ({ order_id: n.orderId, ...noteJson(n) })),
    webhooks: () =>
      [...state.webhooks.values()].map((w) => ({ ...webhookJson(w), secret: w.secret, failure_count: w.failureCount })),
    deliveries: () => [...dispatcher.deliveries],
    knobs: () => ({ ...d.knobs }),
    setKnobs: (change) => {
      for (const [k, v] of Object.entries(change)) {
        if (!(k in d.knobs)) throw new WooError(400, 'invalid_knob', `Unknown knob ${k}`);
        if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
          throw new WooError(400, 'invalid_knob', `Knob ${k} must be a number >= 0`);
        }
        (d.knobs as unknown as Record<string, unknown>)[k] = v;
      }
      return { ...d.knobs };
    },
    placeOrder: (input) => orderJson(state.placeOrder(input.lines, input.email ?? 'shopper@example.com', input.force ?? false)),
    cancelOrder: (orderId) => orderJson(state.setOrderStatus(orderId, 'cancelled')),
    addProduct: (input) => {
      const p = state.addProduct(input);
      return { ...productJson(p), variation_items: p.variationIds.map((id) => variationJson(state.variations.get(id)!)) };
    },
    setStock: (sku, quantity) => state.setStockBySku(sku, quantity),
    pinStock: (sku, quantity) => {
      if (quantity === null) state.pins.delete(sku);
      else state.pins.set(sku, quantity);
    },
    injectFailures: (failures) => void d.failures.push(...failures),
    flushWebhooks: () => dispatcher.flush(),
  };
}

function lines(value: unknown): ShopperLine[] {
  if (!Array.isArray(value)) throw new WooError(400, 'invalid_lines', 'lines must be a list of {sku, quantity}');
  return value.map((l) => {
    const r = record(l);
    if (typeof r.sku !== 'string') throw new WooError(400, 'invalid_lines', 'lines[].sku must be a string');
    return { sku: r.sku, quantity: Number(r.quantity ?? 1) };
  });
}

/** HTTP routes for the control surface (paths relative to `/_control/`). */
export function controlRoutes(c: WooControl): Route[] {
  const get = (path: string, fn: () => unknown): Route => ({ method: 'GET', pattern: new RegExp(`^${path}$`), handle: () => ok(fn()) });
  return [
    get('stock', () => c.stock()),
    get('requests', () => c.requests()),
    get('orders', () => c.orders()),
    get('coupons', () => c.coupons()),
    get('notes', () => c.notes()),
    get('webhooks', () => c.webhooks()),
    get('deliveries', () => c.deliveries().map((x) => ({ ...x, at: wcDate(x.at) }))),
    get('knobs', () => c.knobs()),
    { method: 'DELETE', pattern: /^requests$/, handle: () => (c.clearRequests(), ok({ cleared: true })) },
    { method: 'POST', pattern: /^knobs$/, handle: (req) => ok(c.setKnobs(record(req.body) as Partial<WooKnobs>)) },
    {
      method: 'POST',
      pattern: /^orders$/,
      handle: (req) => {
        const b = record(req.body);
        return ok(c.placeOrder({ lines: lines(b.lines), ...(typeof b.email === 'string' ? { email: b.email } : {}), force: b.force === true }), 201);
      },
    },
    { method: 'POST', pattern: /^orders\/(\d+)\/cancel$/, handle: (req) => ok(c.cancelOrder(Number(req.params[0]))) },
    { method: 'POST', pattern: /^products$/, handle: (req) => ok(c.addProduct(record(req.body) as unknown as AddProductInput), 201) },
    {
      method: 'POST',
      pattern: /^stock$/,
      handle: (req): ApiResult => {
        const b = record(req.body);
        if (typeof b.sku !== 'string' || !Number.isInteger(b.quantity)) throw new WooError(400, 'invalid_stock', 'sku and integer quantity required');
        c.setStock(b.sku, b.quantity as number);
        return ok({ sku: b.sku, quantity: b.quantity });
      },
    },
    {
      method: 'POST',
      pattern: /^pin$/,
      handle: (req) => {
        const b = record(req.body);
        if (typeof b.sku !== 'string') throw new WooError(400, 'invalid_pin', 'sku required');
        c.pinStock(b.sku, typeof b.quantity === 'number' ? b.quantity : null);
        return ok({ sku: b.sku, quantity: b.quantity ?? null });
      },
    },
    {
      method: 'POST',
      pattern: /^fail$/,
      handle: (req) => {
        const b = record(req.body);
        const count = Number(b.count ?? 1);
        const f: InjectedFailure = { status: Number(b.status ?? 503), retryAfterSeconds: typeof b.retryAfter === 'number' ? b.retryAfter : null, hang: b.hang === true };
        c.injectFailures(Array.from({ length: count }, () => ({ ...f })));
        return ok({ queued: count });
      },
    },
    { method: 'POST', pattern: /^flush$/, handle: async () => (await c.flushWebhooks(), ok({ flushed: true })) },
  ];
}
