/**
 * The emulator's control surface: shoppers' orders, staff cancellations and level edits, what the shop
 * recorded (levels, requests, orders, discount codes, cancellations, deliveries) and runtime knobs.
 * The same methods back the `/_control/*` HTTP routes.
 */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { CostBucket } from './bucket.ts';
import type { OAuthServer } from './oauth.ts';
import { customerNumber, orderPayload } from './payloads.ts';
import { parseGid, type ShopState } from './state.ts';
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

  const api = {
    state,
    levels: (sku?: string) => state.levelRows(sku === undefined ? undefined : { sku }),
    /** `available` of a SKU at the primary (or given) location. */
    available(sku: string, locationId?: string): number | undefined {
      const item = state.itemsBySku(sku)[0];
      const loc = locationNum(locationId) ?? state.locations[0]?.id;
      return item && loc !== undefined ? state.level(item.id, loc)?.available : undefined;
    },
    placeOrder(input: OrderInput) {
      const order = state.placeOrder({ ...input, locationId: locationNum(input.locationId) });
      return orderPayload(order);
    },
    cancelOrder(orderId: string | number, opts: { restock?: boolean; reason?: string } = {}) {
      const id = typeof orderId === 'number' ? orderId : (parseGid(orderId, 'Order') ?? Number(orderId));
      return orderPayload(state.cancelOrder(id, { reason: opts.reason ?? 'CUSTOMER', restock: opts.restock ?? true }));
    },
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
    orders: () => state.orders.map((o) => orderPayload(o)),
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
      switch (`${method} ${path}`) {
        case 'GET /levels':
          return api.levels(query.get('sku') ?? undefined);
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
