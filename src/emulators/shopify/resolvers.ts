/**
 * Root values for graphql-js `execute`: the queries and mutations dropsync uses, over the shop's state.
 * Anything else in the schema validates but resolves to null (or a non-null error), as an unimplemented field.
 */
import { getDirectiveValues, GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { accessDenied } from './access.ts';
import { DropsyncError } from '../../domain/errors.ts';
import { BulkOperations } from './bulk.ts';
import { setQuantities, strictInventoryRules, type SetQuantitiesInput } from './inventory.ts';
import { createOrder, fulfil, refund, updateTracking, type UserError } from './orders.ts';
import type { MailingAddressRec } from './types.ts';
import { idempotentDirective } from './schema.ts';
import { gid, gidType, parseGid, type ShopState } from './state.ts';
import { paginate, type PageArgs } from './search.ts';
import { connection, Views } from './views.ts';
import { topicFromEnum } from './webhooks.ts';

export interface RequestContext {
  apiVersion: string;
  /** Scopes of the request's access token. */
  scopes: ReadonlySet<string>;
  /** The app has no protected customer data access: customer and email come back null. */
  redactCustomers: boolean;
  /** http:// webhook callbacks are accepted (a local-receiver knob; Shopify refuses them). */
  allowHttpCallbacks: boolean;
}

type Args = Record<string, unknown>;

const FULFILLMENT_ORDER_READ = ['read_merchant_managed_fulfillment_orders', 'write_merchant_managed_fulfillment_orders'];
const FULFILLMENT_ORDER_WRITE = ['write_merchant_managed_fulfillment_orders'];

/** The `@idempotent(key:)` value of the field being resolved, or null. */
function idempotencyKeyOf(info: GraphQLResolveInfo): string | null {
  const dir = getDirectiveValues(idempotentDirective(), info.fieldNodes[0]!, info.variableValues);
  return dir && typeof dir.key === 'string' ? dir.key : null;
}

const userErrors = (errors: UserError[]) => errors.map((e) => ({ field: e.field, message: e.message, ...(e.code ? { code: e.code } : {}) }));

function address(a: Record<string, unknown> | null | undefined): MailingAddressRec | null {
  if (!a) return null;
  const str = (k: string) => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : null);
  return {
    first_name: str('firstName'), last_name: str('lastName'), company: str('company'), address1: str('address1'), address2: str('address2'),
    city: str('city'), province_code: str('provinceCode'), country_code: str('countryCode'), zip: str('zip'), phone: str('phone'),
  };
}

/** Wraps a root resolver so it first checks one of `scopes` is granted. */
function gated<F extends (a: Args, ctx: RequestContext, info: GraphQLResolveInfo) => unknown>(scopes: string[], fn: F): F {
  return ((a: Args, ctx: RequestContext, info: GraphQLResolveInfo) => {
    if (!scopes.some((sc) => ctx.scopes.has(sc))) throw accessDenied(info.fieldName, scopes);
    return fn(a, ctx, info);
  }) as F;
}

export function rootValues(s: ShopState, bulk: BulkOperations = new BulkOperations(s)): { query: Record<string, unknown>; mutation: Record<string, unknown> } {
  const v = new Views(s);
  const node = (id: unknown) => {
    if (typeof id !== 'string') return null;
    const n = parseGid(id);
    if (n === null) return null;
    switch (gidType(id)) {
      case 'InventoryItem': {
        const item = s.itemsById.get(n);
        return item ? v.item(item) : null;
      }
      case 'Location': {
        const loc = s.location(n);
        return loc ? v.location(loc) : null;
      }
      case 'Order': {
        const o = s.orders.find((x) => x.id === n);
        return o ? v.order(o) : null;
      }
      case 'ProductVariant': {
        const item = s.items.find((x) => x.variantId === n);
        return item ? v.variant(item) : null;
      }
      case 'BulkOperation': {
        const op = bulk.get(n);
        return op ? bulk.view(op) : null;
      }
      case 'FulfillmentOrder': {
        const fo = s.fulfillmentOrders.find((x) => x.id === n);
        return fo ? v.fulfillmentOrder(fo) : null;
      }
      case 'Fulfillment': {
        const f = s.fulfillments.find((x) => x.id === n);
        return f ? v.fulfillment(f) : null;
      }
      case 'Refund': {
        const r = s.refunds.find((x) => x.id === n);
        return r ? v.refund(r) : null;
      }
      case 'DiscountCodeNode': {
        const d = s.discounts.find((x) => x.id === n);
        return d ? v.discount(d) : null;
      }
      default:
        return null;
    }
  };

  const query = {
    shop: () => ({ __typename: 'Shop', id: gid('Shop', 1), name: 'Emulated shop', currencyCode: 'USD' }),
    node: (a: Args) => node(a.id),
    nodes: (a: Args) => (a.ids as string[]).map(node),
    inventoryItem: gated(['read_inventory'], (a: Args) => node(a.id)),
    location: (a: Args) => (a.id ? node(a.id) : s.locations[0] ? v.location(s.locations[0]) : null),
    order: gated(['read_orders'], (a: Args) => node(a.id)),
    fulfillmentOrder: gated(FULFILLMENT_ORDER_READ, (a: Args) => (gidType(String(a.id)) === 'FulfillmentOrder' ? node(a.id) : null)),
    currentBulkOperation: (a: Args) => (a.type === 'MUTATION' ? null : bulk.current()),
    bulkOperations: (a: Args & PageArgs) => connection(paginate(bulk.list(a.query as string | undefined), (o) => v.idKey(o.id), a), (o) => bulk.view(o)),
    productVariant: gated(['read_products'], (a: Args) => node(a.id)),
    // Deactivated locations only with includeInactive (as the argument says).
    locations: (a: Args & PageArgs) => connection(paginate(s.locations.filter((l) => l.active || a.includeInactive === true), (l) => v.idKey(l.id), a), v.location),
    inventoryItems: gated(['read_inventory'], (a: Args & PageArgs) =>
      connection(paginate(v.searchItems(a.query as string | undefined), (i) => v.idKey(i.id), a), v.item)),
    productVariants: gated(['read_products'], (a: Args & PageArgs) =>
      connection(paginate(v.searchItems(a.query as string | undefined), (i) => v.idKey(i.variantId), a), v.variant)),
    orders: gated(['read_orders'], (a: Args & PageArgs) => {
      const sortKey = String(a.sortKey ?? 'PROCESSED_AT');
      return connection(paginate(v.searchOrders(a.query as string | undefined, sortKey), v.orderKey(sortKey), a), v.order);
    }),
    webhookSubscriptions: (a: Args & PageArgs, ctx: RequestContext) => {
      const uri = (a.uri ?? a.callbackUrl) as string | undefined;
      const topics = (a.topics as string[] | undefined)?.map(topicFromEnum);
      const subs = s.subscriptions.filter((x) => (!uri || x.callbackUrl === uri) && (!topics || topics.includes(x.topic)));
      return connection(paginate(subs, (x) => v.idKey(x.id), a), (x) => v.subscription(x, ctx.apiVersion));
    },
  };

  const mutation = {
    bulkOperationRunQuery: (a: Args) => bulk.run(String(a.query)),

    inventorySetQuantities: gated(['write_inventory'], (a: Args, ctx: RequestContext, info: GraphQLResolveInfo) =>
      setQuantities(s, a.input as SetQuantitiesInput, idempotencyKeyOf(info), ctx.apiVersion)),

    fulfillmentCreate: gated(FULFILLMENT_ORDER_WRITE, (a: Args) => {
      const input = a.fulfillment as {
        lineItemsByFulfillmentOrder: { fulfillmentOrderId: string; fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null }[];
        trackingInfo?: { company?: string; number?: string; numbers?: string[]; url?: string; urls?: string[] } | null;
        notifyCustomer?: boolean | null;
      };
      const out = fulfil(s, {
        lineItemsByFulfillmentOrder: input.lineItemsByFulfillmentOrder.map((p) => ({
          fulfillmentOrderId: parseGid(p.fulfillmentOrderId, 'FulfillmentOrder') ?? -1,
          lines: p.fulfillmentOrderLineItems?.map((l) => ({ id: parseGid(l.id, 'FulfillmentOrderLineItem') ?? -1, quantity: l.quantity })) ?? null,
        })),
        tracking: input.trackingInfo ?? null,
        notifyCustomer: input.notifyCustomer === true,
      });
      return out.ok ? { fulfillment: v.fulfillment(out.value), userErrors: [] } : { fulfillment: null, userErrors: userErrors(out.errors) };
    }),

    fulfillmentTrackingInfoUpdate: gated(FULFILLMENT_ORDER_WRITE, (a: Args) => {
      const out = updateTracking(s, parseGid(a.fulfillmentId, 'Fulfillment') ?? -1, a.trackingInfoInput as never, a.notifyCustomer === true);
      return out.ok ? { fulfillment: v.fulfillment(out.value), userErrors: [] } : { fulfillment: null, userErrors: userErrors(out.errors) };
    }),

    // 2026-04 and later: the @idempotent key is required (a runtime error without it); a reused key returns the first result.
    refundCreate: gated(['write_orders'], (a: Args, ctx: RequestContext, info: GraphQLResolveInfo) => {
      const key = idempotencyKeyOf(info);
      if (key === null && strictInventoryRules(ctx.apiVersion)) {
        throw new GraphQLError('The @idempotent directive is required for this mutation.', { extensions: { code: 'BAD_REQUEST' } });
      }
      const input = a.input as {
        orderId: string; note?: string | null; notify?: boolean | null;
        refundLineItems?: { lineItemId: string; quantity: number; restockType?: string | null; locationId?: string | null }[] | null;
        transactions?: { orderId: string; parentId?: string | null; amount: string; kind: string; gateway: string }[] | null;
      };
      const fingerprint = JSON.stringify(input);
      if (key !== null) {
        const seen = s.idempotency.get(`refundCreate:${key}`);
        if (seen && seen.fingerprint === fingerprint) return seen.result;
        if (seen) return { refund: null, order: null, userErrors: [{ field: ['input'], message: 'The idempotency key was already used with different parameters.' }] };
      }
      const out = refund(s, {
        orderId: parseGid(input.orderId, 'Order') ?? -1,
        note: input.note ?? null,
        notify: input.notify === true,
        lines: (input.refundLineItems ?? []).map((l) => ({
          lineItemId: parseGid(l.lineItemId, 'LineItem') ?? -1, quantity: l.quantity, restockType: l.restockType ?? null,
          locationId: l.locationId ? (parseGid(l.locationId, 'Location') ?? -1) : null,
        })),
        transactions: (input.transactions ?? []).map((t) => ({ parentId: t.parentId ? parseGid(t.parentId, 'OrderTransaction') : null, amount: String(t.amount), kind: t.kind, gateway: t.gateway })),
      });
      const result = out.ok
        ? { refund: v.refund(out.value), order: v.order(s.order(out.value.orderId)!), userErrors: [] }
        : { refund: null, order: null, userErrors: userErrors(out.errors) };
      if (key !== null && out.ok) s.idempotency.set(`refundCreate:${key}`, { fingerprint, result });
      return result;
    }),

    orderCreate: gated(['write_orders'], (a: Args) => {
      const o = a.order as Record<string, any>;
      const opts = (a.options ?? {}) as { inventoryBehaviour?: string; sendReceipt?: boolean };
      const upsert = o.customer?.toUpsert ?? o.customer?.toAssociate ?? null;
      const out = createOrder(s, {
        lines: ((o.lineItems ?? []) as Record<string, any>[]).map((l) => ({
          variantId: l.variantId ? parseGid(l.variantId, 'ProductVariant') ?? -1 : null,
          sku: l.sku ?? null, title: l.title ?? null, quantity: l.quantity, price: l.priceSet?.shopMoney?.amount != null ? String(l.priceSet.shopMoney.amount) : null,
        })),
        email: o.email ?? null,
        tags: o.tags ?? [],
        note: o.note ?? null,
        sourceIdentifier: o.sourceIdentifier ?? null,
        sourceName: o.sourceName ?? null,
        shippingAddress: address(o.shippingAddress),
        shippingLines: ((o.shippingLines ?? []) as Record<string, any>[]).map((l) => ({ title: String(l.title), code: l.code ?? null, price: String(l.priceSet?.shopMoney?.amount ?? '0.00') })),
        financialStatus: o.financialStatus ?? null,
        currency: o.currency ?? null,
        ...(upsert ? { customer: { email: upsert.email ?? null, firstName: upsert.firstName ?? null, lastName: upsert.lastName ?? null, phone: upsert.phone ?? null } } : {}),
        inventoryBehaviour: opts.inventoryBehaviour ?? 'BYPASS',
        sendReceipt: opts.sendReceipt === true,
      });
      return out.ok ? { order: v.order(out.value), userErrors: [] } : { order: null, userErrors: userErrors(out.errors) };
    }),

    orderCancel: gated(['write_orders'], (a: Args) => {
      const orderId = parseGid(a.orderId, 'Order');
      const fail = (code: string, message: string) => ({
        job: null,
        orderCancelUserErrors: [{ code, field: ['orderId'], message }],
        userErrors: [{ field: ['orderId'], message }],
      });
      if (orderId === null || !s.orders.some((o) => o.id === orderId)) return fail('NOT_FOUND', 'Order does not exist');
      try {
        s.cancelOrder(orderId, {
          reason: String(a.reason),
          restock: Boolean(a.restock),
          // refundMethod (2026-07 and later) or the deprecated refund flag.
          refund: a.refundMethod != null ? Boolean((a.refundMethod as Record<string, unknown>).originalPaymentMethodsRefund ?? (a.refundMethod as Record<string, unknown>).storeCreditRefund) : Boolean(a.refund),
          notifyCustomer: Boolean(a.notifyCustomer),
          staffNote: (a.staffNote as string | null) ?? null,
        });
      } catch (err) {
        if (err instanceof DropsyncError) return fail('INVALID', 'Cannot cancel an order that has already been cancelled');
        throw err;
      }
      // Shopify cancels asynchronously; the emulator finishes at once and says so.
      return { job: { __typename: 'Job', id: gid('Job', s.id()), done: true }, orderCancelUserErrors: [], userErrors: [] };
    }),

    discountCodeBasicCreate: gated(['write_discounts'], (a: Args) => {
      const input = a.basicCodeDiscount as Record<string, any>;
      const errors: { code: string; field: string[]; message: string }[] = [];
      const code = typeof input.code === 'string' ? input.code.trim() : '';
      if (!code) errors.push({ code: 'BLANK', field: ['basicCodeDiscount', 'code'], message: "Code can't be blank" });
      else if (s.discounts.some((d) => d.code.toLowerCase() === code.toLowerCase())) {
        errors.push({ code: 'TAKEN', field: ['basicCodeDiscount', 'code'], message: 'Code must be unique. Please try a different code.' });
      }
      if (!input.title) errors.push({ code: 'BLANK', field: ['basicCodeDiscount', 'title'], message: "Title can't be blank" });
      const value = input.customerGets?.value ?? {};
      const percentage = typeof value.percentage === 'number' ? value.percentage : null;
      const amount = value.discountAmount?.amount != null ? String(value.discountAmount.amount) : null;
      if (percentage === null && amount === null) {
        errors.push({ code: 'BLANK', field: ['basicCodeDiscount', 'customerGets', 'value'], message: 'Value must be given' });
      }
      if (percentage !== null && (percentage < 0 || percentage > 1)) {
        errors.push({ code: 'VALUE_OUTSIDE_RANGE', field: ['basicCodeDiscount', 'customerGets', 'value', 'percentage'], message: 'Value must be between 0.00 - 1.00' });
      }
      if (errors.length > 0) return { codeDiscountNode: null, userErrors: errors.map((e) => ({ ...e, extraInfo: null })) };
      const rec = {
        id: s.id(),
        title: String(input.title),
        code,
        startsAt: (input.startsAt as string | null) ?? null,
        endsAt: (input.endsAt as string | null) ?? null,
        usageLimit: (input.usageLimit as number | null) ?? null,
        appliesOncePerCustomer: Boolean(input.appliesOncePerCustomer),
        customerIds: ((input.context ?? input.customerSelection)?.customers?.add as string[] | undefined) ?? [],
        allCustomers: Boolean((input.context ?? input.customerSelection)?.all),
        percentage,
        amount,
        createdAt: s.clock.now(),
      };
      s.discounts.push(rec);
      return { codeDiscountNode: v.discount(rec), userErrors: [] };
    }),

    webhookSubscriptionCreate: (a: Args, ctx: RequestContext) => {
      // ORDERS_CREATE -> orders/create, INVENTORY_LEVELS_UPDATE -> inventory_levels/update.
      const topic = topicFromEnum(String(a.topic));
      const input = a.webhookSubscription as { callbackUrl?: string; uri?: string };
      const field = input.uri !== undefined ? 'uri' : 'callbackUrl';
      const url = input.uri ?? input.callbackUrl ?? '';
      // HTTPS only since 2019 (http:// only with the local-receiver knob).
      const ok = /^https:\/\/[^\s/]+/.test(url) || (ctx.allowHttpCallbacks && /^http:\/\/[^\s/]+/.test(url));
      if (!ok) {
        return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', field], message: url.startsWith('http://') ? 'Address protocol http:// is not supported' : 'Address is invalid' }] };
      }
      if (s.subscriptions.some((x) => x.topic === topic && x.callbackUrl === url)) {
        return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', field], message: 'Address for this topic has already been taken' }] };
      }
      const sub = { id: s.id(), topic, callbackUrl: url, createdAt: s.clock.now() };
      s.subscriptions.push(sub);
      return { webhookSubscription: v.subscription(sub, ctx.apiVersion), userErrors: [] };
    },
  };
  return { query, mutation };
}
