/**
 * The emulator's control surface: shoppers' orders, staff cancellations and level edits, what the shop
 * recorded (levels, requests, orders, discount codes, cancellations, deliveries) and runtime knobs.
 * The same methods back the `/_control/*` HTTP routes.
 */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { CostBucket } from './bucket.ts';
import type { OAuthServer } from './oauth.ts';
import { fulfil, orThrow, refund, updateTracking, unfulfilledOf } from './orders.ts';
import { customerNumber, fulfillmentPayload, orderPayload, refundPayload } from './payloads.ts';
import { gid, parseGid, type ShopState } from './state.ts';
import type { EmulatorKnobs, RequestLogEntry, ShopifyPlan } from './types.ts';
import type { WebhookDispatcher } from './webhooks.ts';

const PLANS: ShopifyPlan[] = ['standard', 'advanced', 'plus', 'enterprise'];

export interface OrderInput {
  lines: { sku: string; quantity: number }[];
  email?: string | null;
  locationId?: string;
  /** Accept the order even when `available` is short (an oversell). */
  force?: boolean;
}

/** Staff fulfilling an order in the admin: which units (all that remain when omitted), tracking, notify. */
export interface StaffFulfilInput {
  lines?: { sku?: string; lineItemId?: string | number; quantity: number }[];
  company?: string | null;
  number?: string | null;
  numbers?: string[];
  url?: string | null;
  urls?: string[];
  notifyCustomer?: boolean;
}

/** Staff refunding units of an order in the admin. */
export interface StaffRefundInput {
  lines: { sku?: string; lineItemId?: string | number; quantity: number; restockType?: 'CANCEL' | 'RETURN' | 'NO_RESTOCK'; locationId?: string }[];
  note?: string;
  notify?: boolean;
  /** Refund the lines' value to the original payment (default true). */
  refundMoney?: boolean;
}

export type ShopifyControl = ReturnType<typeof createControl>;

export function createControl(
  state: ShopState,
  knobs: EmulatorKnobs,
  bucket: CostBucket,
  log: RequestLogEntry[],
  webhooks: WebhookDispatcher,
  oauth: OAuthServer,
  app: { complianceUrl: string | null },
) {
  const shopId = 1;
  const shopPayload = () => ({
    id: shopId, name: 'Emulated shop', email: 'owner@example.com', domain: oauth.shopDomain, myshopify_domain: oauth.shopDomain,
    currency: 'USD', plan_name: knobs.plan,
  });
  const locationNum = (id: string | undefined) => {
    if (id === undefined) return undefined;
    const n = parseGid(id, 'Location') ?? (/^\d+$/.test(id) ? Number(id) : null);
    if (n === null) throw invalid('locationId', 'must be a Location gid or number');
    return n;
  };

  const orderNum = (orderId: string | number) => {
    const n = typeof orderId === 'number' ? orderId : (parseGid(orderId, 'Order') ?? (/^\d+$/.test(orderId) ? Number(orderId) : null));
    const order = n === null ? undefined : state.order(n);
    if (!order) throw new DropsyncError('not_found', `order ${orderId} not found`, 'orderId');
    return order;
  };
  const lineOf = (order: ReturnType<typeof orderNum>, ref: { sku?: string; lineItemId?: string | number }, field: string) => {
    const id = ref.lineItemId === undefined ? undefined : typeof ref.lineItemId === 'number' ? ref.lineItemId : (parseGid(ref.lineItemId, 'LineItem') ?? Number(ref.lineItemId));
    const line = order.lines.find((l) => (id !== undefined ? l.id === id : l.sku === ref.sku));
    if (!line) throw new DropsyncError('not_found', 'no such line on the order', field);
    return line;
  };

  const api = {
    state,
    levels: (sku?: string, locationId?: string) => state.levelRows({ ...(sku === undefined ? {} : { sku }), ...(locationId === undefined ? {} : { locationId: locationNum(locationId)! }) }),
    locations: () => state.locations.map((l) => ({ id: gid('Location', l.id), name: l.name, active: l.active })),
    /** Deactivates (or reactivates) a location, as staff do in Settings > Locations. */
    setLocationActive(locationId: string, active: boolean) {
      const loc = state.location(locationNum(locationId)!);
      if (!loc) throw new DropsyncError('not_found', `unknown location ${locationId}`, 'locationId');
      loc.active = active;
      return api.locations();
    },
    /** `available` of a SKU at the primary (or given) location. */
    available(sku: string, locationId?: string): number | undefined {
      const item = state.itemsBySku(sku)[0];
      const loc = locationNum(locationId) ?? state.locations[0]?.id;
      return item && loc !== undefined ? state.level(item.id, loc)?.available : undefined;
    },
    /** A shopper's checkout at a location (the primary one by default): `available` drops there, level and order webhooks fire. */
    placeOrder(input: OrderInput) {
      const order = state.placeOrder({ ...input, locationId: locationNum(input.locationId) });
      return orderPayload(state, order);
    },
    cancelOrder(orderId: string | number, opts: { restock?: boolean; reason?: string } = {}) {
      return orderPayload(state, state.cancelOrder(orderNum(orderId).id, { reason: opts.reason ?? 'CUSTOMER', restock: opts.restock ?? true }));
    },
    /** One order in its REST shape (line states, fulfilments, refunds). */
    order: (orderId: string | number) => orderPayload(state, orderNum(orderId)),
    /** Staff ship a package from the admin: a fulfilment with tracking (webhooks as for fulfillmentCreate). */
    fulfil(orderId: string | number, input: StaffFulfilInput = {}) {
      const order = orderNum(orderId);
      const fos = state.fulfillmentOrders.filter((f) => f.orderId === order.id && (f.status === 'OPEN' || f.status === 'IN_PROGRESS'));
      const wanted = input.lines?.map((l, i) => ({ line: lineOf(order, l, `lines[${i}]`), quantity: l.quantity }));
      const pairs = fos.map((fo) => ({
        fulfillmentOrderId: fo.id,
        lines: wanted
          ? wanted.flatMap((w) => {
            const fl = fo.lines.find((x) => x.lineItemId === w.line.id && x.remainingQuantity > 0);
            return fl ? [{ id: fl.id, quantity: w.quantity }] : [];
          })
          : null,
      })).filter((p) => p.lines === null || p.lines.length > 0);
      if (pairs.length === 0) throw new DropsyncError('conflict', 'nothing left to fulfil on this order', 'orderId');
      const rec = orThrow(fulfil(state, {
        lineItemsByFulfillmentOrder: pairs,
        tracking: { company: input.company ?? null, number: input.number ?? null, numbers: input.numbers ?? null, url: input.url ?? null, urls: input.urls ?? null },
        notifyCustomer: input.notifyCustomer ?? true,
      }));
      return fulfillmentPayload(state, rec);
    },
    /** Staff change a fulfilment's tracking (fulfillments/update). */
    updateTracking(fulfillmentId: string | number, input: { company?: string; number?: string; url?: string; notifyCustomer?: boolean }) {
      const id = typeof fulfillmentId === 'number' ? fulfillmentId : (parseGid(fulfillmentId, 'Fulfillment') ?? Number(fulfillmentId));
      return fulfillmentPayload(state, orThrow(updateTracking(state, id, input, input.notifyCustomer ?? false)));
    },
    /** Staff refund units from the admin (restock types as refundCreate takes them; CANCEL for unshipped units by default). */
    refund(orderId: string | number, input: StaffRefundInput) {
      const order = orderNum(orderId);
      const lines = input.lines.map((l, i) => {
        const line = lineOf(order, l, `lines[${i}]`);
        return { lineItemId: line.id, quantity: l.quantity, restockType: l.restockType ?? (unfulfilledOf(line) >= l.quantity ? 'CANCEL' : 'RETURN'), locationId: l.locationId ? locationNum(l.locationId)! : null };
      });
      const sale = state.transactions.find((t) => t.orderId === order.id && t.kind === 'sale');
      const amount = lines.reduce((n, l) => n + Math.round(Number(order.lines.find((x) => x.id === l.lineItemId)!.price) * 100) * l.quantity, 0);
      const rec = orThrow(refund(state, {
        orderId: order.id, lines, note: input.note ?? null, notify: input.notify ?? true,
        transactions: input.refundMoney === false || !sale || amount === 0 ? [] : [{ parentId: sale.id, amount: (amount / 100).toFixed(2), kind: 'REFUND', gateway: sale.gateway }],
      }));
      return refundPayload(state, rec);
    },
    fulfillmentOrders: (orderId: string | number) => state.fulfillmentOrders.filter((f) => f.orderId === orderNum(orderId).id),
    fulfillments: (orderId?: string | number) => state.fulfillments.filter((f) => orderId === undefined || f.orderId === orderNum(orderId).id).map((f) => fulfillmentPayload(state, f)),
    refunds: (orderId?: string | number) => state.refunds.filter((r) => orderId === undefined || r.orderId === orderNum(orderId).id).map((r) => refundPayload(state, r)),
    /** Messages the shop sent its customers: shipping confirmations (with tracking), refund notices, ... */
    notifications: () => state.notifications,
    /** A staff member edits a level by hand (fires inventory_levels/update). */
    setLevel(input: { sku?: string; inventoryItemId?: string; locationId?: string; available: number }) {
      if (!Number.isInteger(input.available)) throw invalid('available', 'must be an integer');
      const item = input.inventoryItemId
        ? state.itemsById.get(parseGid(input.inventoryItemId, 'InventoryItem') ?? -1)
        : state.itemsBySku(input.sku ?? '')[0];
      if (!item) throw new DropsyncError('not_found', 'no such item', input.inventoryItemId ? 'inventoryItemId' : 'sku');
      state.writeAvailable(item.id, locationNum(input.locationId) ?? state.locations[0]!.id, input.available);
      return api.levels(item.sku);
    },
    orders: () => state.orders.map((o) => orderPayload(state, o)),
    discounts: () => state.discounts,
    cancellations: () => state.cancellations,
    subscriptions: () => state.subscriptions,
    requests: () => log,
    clearRequests: () => void log.splice(0, log.length),
    deliveries: () => webhooks.log,
    webhooksIdle: () => webhooks.idle(),
    bucket: () => bucket.status(),
    /** Empties the bucket (or sets it to `available`), as if another app had spent it. */
    drainBucket: (available = 0) => bucket.drain(available),
    /** OAuth: authorization requests waiting on the approval page. */
    pendingGrants: () => oauth.pendingGrants(),
    /**
     * The merchant clicks Install (or Cancel) for a pending request (the newest when none is named); returns the
     * redirect URL the browser would follow. `scopes` grants fewer scopes than asked.
     */
    decideGrant(opts: { requestId?: string; approve?: boolean; scopes?: string[] } = {}) {
      const id = opts.requestId ?? oauth.pendingGrants().at(-1)?.id;
      if (!id) throw new DropsyncError('not_found', 'no pending authorization request', 'requestId');
      return { redirect: oauth.decide(id, opts.approve ?? true, opts.scopes) };
    },
    /** Every expiring access token expires now (the next call answers 401). */
    expireAccessTokens: () => oauth.expireAccessTokens(),
    /** Refresh-token grants answered so far. */
    refreshCount: () => oauth.refreshes,
    /** Every refresh token stops working (a refresh that fails). */
    revokeRefreshTokens: () => oauth.revokeRefreshTokens(),
    /** Whether an access token works now. */
    tokenValid: (token: string) => oauth.check(token) !== null,
    /** The merchant uninstalls the app: app/uninstalled goes to its subscribers, then tokens and subscriptions are gone. */
    uninstall() {
      state.emit('app/uninstalled', shopPayload());
      oauth.uninstall();
      state.subscriptions.splice(0, state.subscriptions.length);
      return { ok: true };
    },
    /** Where compliance webhooks go (the app configuration's compliance URI). */
    setComplianceUrl(url: string) {
      app.complianceUrl = url;
    },
    /**
     * Sends a mandatory compliance webhook as Shopify does on a merchant's or customer's request. Payload fields
     * as Shopify documents them; `customer` by email (the emulator's shoppers are known by email).
     */
    sendCompliance(topic: 'customers/data_request' | 'customers/redact' | 'shop/redact', input: { email?: string; orderIds?: number[] } = {}) {
      if (!app.complianceUrl) throw invalid('complianceUrl', 'no compliance webhook URL is configured for the app');
      const base = { shop_id: shopId, shop_domain: oauth.shopDomain };
      const orders = input.orderIds ?? state.orders.filter((o) => input.email !== undefined && o.email === input.email).map((o) => o.id);
      const customer = input.email ? { id: customerNumber(input.email), email: input.email, phone: null } : null;
      const payload = topic === 'shop/redact' ? base
        : topic === 'customers/redact' ? { ...base, customer, orders_to_redact: orders }
        : { ...base, customer, orders_requested: orders, data_request: { id: state.id() } };
      return webhooks.deliver(app.complianceUrl, topic, payload);
    },
    /** Removes subscriptions (all, or of one topic), as Shopify does after their deliveries kept failing. */
    removeSubscriptions(topic?: string) {
      const keep = state.subscriptions.filter((x) => topic !== undefined && x.topic !== topic);
      const removed = state.subscriptions.length - keep.length;
      state.subscriptions.splice(0, state.subscriptions.length, ...keep);
      return { removed };
    },
    knobs: () => ({ ...knobs }),
    setKnobs(patch: Partial<EmulatorKnobs>) {
      if (patch.plan !== undefined) {
        if (!PLANS.includes(patch.plan)) throw invalid('plan', `one of ${PLANS.join(', ')}`);
        knobs.plan = patch.plan;
        bucket.setPlan(patch.plan);
      }
      for (const k of ['latencyMs', 'loss', 'duplication', 'delayMs', 'timeScale', 'bulkDurationMs', 'tokenLifetimeSeconds', 'refreshTokenLifetimeSeconds'] as const) {
        const v = patch[k];
        if (v === undefined) continue;
        if (typeof v !== 'number' || v < 0 || ((k === 'loss' || k === 'duplication') && v > 1)) throw invalid(k, 'out of range');
        knobs[k] = v;
      }
      for (const k of ['allowHttpCallbacks', 'redactCustomers'] as const) {
        const v = patch[k];
        if (v === undefined) continue;
        if (typeof v !== 'boolean') throw invalid(k, 'must be a boolean');
        knobs[k] = v;
      }
      return { ...knobs };
    },

    /** `/_control` HTTP routes; undefined when no route matches. */
    async http(method: string, path: string, query: URLSearchParams, body: unknown): Promise<unknown> {
      const b = (body ?? {}) as Record<string, any>;
      const cancel = /^\/orders\/([^/]+)\/cancel$/.exec(path);
      if (method === 'POST' && cancel) return api.cancelOrder(decodeURIComponent(cancel[1]!), b);
      const orderAction = /^\/orders\/([^/]+)(?:\/(fulfil|fulfillments|refund|refunds|fulfillment-orders))?$/.exec(path);
      if (orderAction && orderAction[1] !== undefined) {
        const id = decodeURIComponent(orderAction[1]);
        const action = orderAction[2];
        if (method === 'GET' && !action) return api.order(id);
        if (method === 'POST' && action === 'fulfil') return api.fulfil(id, b as StaffFulfilInput);
        if (method === 'GET' && action === 'fulfillments') return api.fulfillments(id);
        if (method === 'POST' && action === 'refund') return api.refund(id, b as StaffRefundInput);
        if (method === 'GET' && action === 'refunds') return api.refunds(id);
        if (method === 'GET' && action === 'fulfillment-orders') return api.fulfillmentOrders(id);
      }
      const tracking = /^\/fulfillments\/([^/]+)\/tracking$/.exec(path);
      if (method === 'POST' && tracking) return api.updateTracking(decodeURIComponent(tracking[1]!), b);
      const locActive = /^\/locations\/([^/]+)$/.exec(path);
      if (method === 'PATCH' && locActive) return api.setLocationActive(decodeURIComponent(locActive[1]!), b.active !== false);
      switch (`${method} ${path}`) {
        case 'GET /levels':
          return api.levels(query.get('sku') ?? undefined, query.get('locationId') ?? undefined);
        case 'GET /locations':
          return api.locations();
        case 'GET /notifications':
          return api.notifications();
        case 'GET /fulfillments':
          return api.fulfillments();
        case 'GET /refunds':
          return api.refunds();
        case 'POST /levels':
          return api.setLevel(b as never);
        case 'POST /orders':
          return api.placeOrder(b as OrderInput);
        case 'GET /orders':
          return api.orders();
        case 'GET /discounts':
          return api.discounts();
        case 'GET /cancellations':
          return api.cancellations();
        case 'GET /subscriptions':
          return api.subscriptions();
        case 'GET /requests':
          return api.requests();
        case 'DELETE /requests':
          api.clearRequests();
          return { ok: true };
        case 'GET /deliveries':
          return api.deliveries();
        case 'GET /bucket':
          return api.bucket();
        case 'POST /bucket':
          api.drainBucket(typeof b.available === 'number' ? b.available : 0);
          return api.bucket();
        case 'GET /oauth/pending':
          return api.pendingGrants();
        case 'POST /oauth/decide':
          return api.decideGrant(b);
        case 'POST /oauth/revoke-refresh-tokens':
          api.revokeRefreshTokens();
          return { ok: true };
        case 'POST /oauth/expire-access-tokens':
          api.expireAccessTokens();
          return { ok: true };
        case 'POST /uninstall':
          return api.uninstall();
        case 'POST /compliance':
          if (typeof b.complianceUrl === 'string') api.setComplianceUrl(b.complianceUrl);
          return api.sendCompliance(b.topic, b);
        case 'PUT /compliance-url':
          api.setComplianceUrl(String(b.url ?? ''));
          return { ok: true };
        case 'DELETE /subscriptions':
          return api.removeSubscriptions(query.get('topic') ?? undefined);
        case 'GET /knobs':
          return api.knobs();
        case 'PATCH /knobs':
        case 'POST /knobs':
          return api.setKnobs(b);
        default:
          return undefined;
      }
    },
  };
  return api;
}
