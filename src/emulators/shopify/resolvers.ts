/**
 * Root values for graphql-js `execute`: the queries and mutations dropsync uses, over the shop's state.
 * Anything else in the schema validates but resolves to null (or a non-null error), as an unimplemented field.
 */
import { getDirectiveValues, type GraphQLResolveInfo } from 'graphql';
import { accessDenied } from './access.ts';
import { DropsyncError } from '../../domain/errors.ts';
import { BulkOperations } from './bulk.ts';
import { setQuantities, type SetQuantitiesInput } from './inventory.ts';
import { idempotentDirective } from './schema.ts';
import { gid, gidType, parseGid, type ShopState } from './state.ts';
import { paginate, type PageArgs } from './search.ts';
import { connection, Views } from './views.ts';

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
    currentBulkOperation: (a: Args) => (a.type === 'MUTATION' ? null : bulk.current()),
    bulkOperations: (a: Args & PageArgs) => connection(paginate(bulk.list(a.query as string | undefined), (o) => v.idKey(o.id), a), (o) => bulk.view(o)),
    productVariant: gated(['read_products'], (a: Args) => node(a.id)),
    locations: (a: Args & PageArgs) => connection(paginate(s.locations, (l) => v.idKey(l.id), a), v.location),
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
      const topics = (a.topics as string[] | undefined)?.map((t) => t.toLowerCase().replace(/_([^_]*)$/, '/$1'));
      const subs = s.subscriptions.filter((x) => (!uri || x.callbackUrl === uri) && (!topics || topics.includes(x.topic)));
      return connection(paginate(subs, (x) => v.idKey(x.id), a), (x) => v.subscription(x, ctx.apiVersion));
    },
  };

  const mutation = {
    bulkOperationRunQuery: (a: Args) => bulk.run(String(a.query)),

    inventorySetQuantities: gated(['write_inventory'], (a: Args, ctx: RequestContext, info: GraphQLResolveInfo) => {
      const fieldNode = info.fieldNodes[0]!;
      const dir = getDirectiveValues(idempotentDirective(), fieldNode, info.variableValues);
      const key = dir && typeof dir.key === 'string' ? dir.key : null;
      return setQuantities(s, a.input as SetQuantitiesInput, key, ctx.apiVersion);
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
      const topic = String(a.topic).toLowerCase().replace(/_([^_]*)$/, '/$1');
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
