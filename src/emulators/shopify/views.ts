/**
 * GraphQL views of the shop's records: plain objects whose properties are values or `(args) => value`
 * functions, which graphql-js's default resolver calls. `__typename` picks the concrete type of interfaces.
 */
import type { RequestContext } from './resolvers.ts';
import { accessDenied } from './access.ts';
import { customerNumber } from './payloads.ts';
export { customerNumber };
import { fromCents, gid, parseGid, toCents, type ShopState } from './state.ts';
import { matches, paginate, parseSearch, type Page, type PageArgs } from './search.ts';
import { currentOf, orderFulfillmentStatus, suggestRefund, unfulfilledOf } from './orders.ts';
import type { DiscountRec, FulfillmentOrderRec, FulfillmentRec, ItemRec, LocationRec, OrderLineRec, OrderRec, RefundRec, SubscriptionRec, TransactionRec } from './types.ts';

type View = Record<string, unknown>;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const idKey = (id: number) => String(id).padStart(15, '0');

export function connection<T>(page: Page<T>, view: (item: T) => View): View {
  const nodes = page.items.map(view);
  return {
    nodes,
    edges: nodes.map((node, i) => ({ node, cursor: page.cursors[i] })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    },
  };
}

export const moneyBag = (amount: string, currencyCode: string): View => ({
  __typename: 'MoneyBag',
  shopMoney: { __typename: 'MoneyV2', amount, currencyCode },
  presentmentMoney: { __typename: 'MoneyV2', amount, currencyCode },
});

/** A scope check inside a field resolver: ACCESS_DENIED unless one of `scopes` is granted (bulk runs with all). */
const needs = (field: string, scopes: string[], ctx: RequestContext | undefined) => {
  if (ctx && !scopes.some((sc) => ctx.scopes.has(sc))) throw accessDenied(field, scopes);
};
const FULFILLMENT_ORDER_SCOPES = ['read_merchant_managed_fulfillment_orders', 'write_merchant_managed_fulfillment_orders'];

export class Views {
  /** `unpaged`: nested connections return every node (bulk operations take no `first`). */
  constructor(private readonly s: ShopState, private readonly unpaged = false) {}

  private page<T>(list: T[], key: (t: T) => string, args: PageArgs): Page<T> {
    if (this.unpaged && args.first == null && args.last == null) return { items: list, cursors: list.map(key), hasNextPage: false, hasPreviousPage: false };
    return paginate(list, key, args);
  }

  /** Every Location field but `id` needs `read_locations` (2024-07 and later). Bulk queries run with every scope. */
  location = (loc: LocationRec): View => {
    const gate = (field: string, value: unknown) => (_a: unknown, ctx: RequestContext | undefined) => {
      if (ctx && !ctx.scopes.has('read_locations')) throw accessDenied(field, ['read_locations']);
      return value;
    };
    return {
      __typename: 'Location',
      id: gid('Location', loc.id),
      legacyResourceId: gate('legacyResourceId', String(loc.id)),
      name: gate('name', loc.name),
      isActive: gate('isActive', loc.active),
      inventoryLevels: (args: PageArgs & { query?: string }, ctx: RequestContext | undefined) => {
        if (ctx && !ctx.scopes.has('read_inventory') && !ctx.scopes.has('write_inventory')) throw accessDenied('inventoryLevels', ['read_inventory']);
        const items = this.searchItems(args.query).filter((i) => this.s.level(i.id, loc.id));
        return connection(this.page(items, (i) => idKey(i.id), args), (i) => this.level(i, loc));
      },
    };
  };

  item = (item: ItemRec): View => ({
    __typename: 'InventoryItem',
    id: gid('InventoryItem', item.id),
    legacyResourceId: String(item.id),
    sku: item.sku,
    tracked: true,
    requiresShipping: true,
    createdAt: iso(item.createdAt),
    updatedAt: iso(item.updatedAt),
    duplicateSkuCount: () => this.s.items.filter((i) => i.sku === item.sku).length - 1,
    inventoryLevel: (args: { locationId: string }) => {
      const locId = parseGid(args.locationId, 'Location');
      const loc = locId === null ? undefined : this.s.location(locId);
      return loc && this.s.level(item.id, loc.id) ? this.level(item, loc) : null;
    },
    inventoryLevels: (args: PageArgs) =>
      connection(
        this.page(this.s.locations.filter((l) => this.s.level(item.id, l.id)), (l) => idKey(l.id), args),
        (l) => this.level(item, l),
      ),
    variant: () => this.variant(item),
  });

  level = (item: ItemRec, loc: LocationRec): View => {
    const lvl = this.s.level(item.id, loc.id);
    const amounts: Record<string, number> = {
      available: lvl?.available ?? 0,
      committed: lvl?.committed ?? 0,
      on_hand: (lvl?.available ?? 0) + (lvl?.committed ?? 0),
      incoming: 0,
      reserved: 0,
      damaged: 0,
      safety_stock: 0,
      quality_control: 0,
    };
    const id = `gid://shopify/InventoryLevel/${loc.id}?inventory_item_id=${item.id}`;
    return {
      __typename: 'InventoryLevel',
      id,
      canDeactivate: true,
      createdAt: iso(item.createdAt),
      updatedAt: iso(lvl?.updatedAt ?? item.updatedAt),
      item: () => this.item(item),
      location: () => this.location(loc),
      quantities: (args: { names: string[] }) =>
        args.names
          .filter((n) => n in amounts)
          .map((name) => ({
            __typename: 'InventoryQuantity',
            id: `gid://shopify/InventoryQuantity/${loc.id}?inventory_item_id=${item.id}&name=${name}`,
            name,
            quantity: amounts[name],
            updatedAt: iso(lvl?.updatedAt ?? null),
          })),
    };
  };

  product = (item: ItemRec): View => ({
    __typename: 'Product',
    id: gid('Product', item.productId),
    legacyResourceId: String(item.productId),
    title: item.title,
  });

  variant = (item: ItemRec): View => ({
    __typename: 'ProductVariant',
    id: gid('ProductVariant', item.variantId),
    legacyResourceId: String(item.variantId),
    sku: item.sku,
    title: 'Default Title',
    displayName: `${item.title} - Default Title`,
    inventoryItem: () => this.item(item),
    product: () => this.product(item),
  });

  order = (order: OrderRec): View => {
    const fos = () => this.s.fulfillmentOrders.filter((f) => f.orderId === order.id);
    const status = orderFulfillmentStatus(order);
    const displayFinancial = (order.cancelledAt !== null && order.financialStatus === 'paid' ? 'refunded' : order.financialStatus).toUpperCase();
    return {
      __typename: 'Order',
      id: gid('Order', order.id),
      legacyResourceId: String(order.id),
      name: order.name,
      // Protected customer data: an app without access sees no email and no customer.
      email: (_a: unknown, ctx: RequestContext | undefined) => (ctx?.redactCustomers ? null : order.email),
      createdAt: iso(order.createdAt),
      updatedAt: iso(order.updatedAt),
      processedAt: iso(order.createdAt),
      cancelledAt: iso(order.cancelledAt),
      cancelReason: order.cancelReason ? order.cancelReason.toUpperCase() : null,
      closed: false,
      closedAt: null,
      tags: order.tags,
      note: order.note,
      sourceIdentifier: order.sourceIdentifier,
      sourceName: order.sourceName,
      currencyCode: order.currency,
      displayFinancialStatus: displayFinancial,
      displayFulfillmentStatus: status === 'fulfilled' ? 'FULFILLED' : status === 'partial' ? 'PARTIALLY_FULFILLED' : status === 'restocked' ? 'RESTOCKED' : 'UNFULFILLED',
      shippingAddress: (_a: unknown, ctx: RequestContext | undefined) => {
        const a = order.shippingAddress;
        if (!a || ctx?.redactCustomers) return null;
        return {
          __typename: 'MailingAddress', firstName: a.first_name, lastName: a.last_name, company: a.company, address1: a.address1, address2: a.address2,
          city: a.city, provinceCode: a.province_code, countryCodeV2: a.country_code, zip: a.zip, phone: a.phone,
          name: [a.first_name, a.last_name].filter(Boolean).join(' ') || null,
        };
      },
      customer: (_a: unknown, ctx: RequestContext | undefined) => {
        if (!order.email || ctx?.redactCustomers) return null;
        if (ctx && !ctx.scopes.has('read_customers')) throw accessDenied('customer', ['read_customers']);
        return { __typename: 'Customer', id: gid('Customer', customerNumber(order.email)), displayName: order.email, defaultEmailAddress: { emailAddress: order.email } };
      },
      lineItems: (args: PageArgs) => connection(this.page(order.lines, (l) => idKey(l.id), args), (l) => this.lineItem(order, l)),
      fulfillmentOrders: (args: PageArgs, ctx: RequestContext | undefined) => {
        needs('fulfillmentOrders', FULFILLMENT_ORDER_SCOPES, ctx);
        return connection(this.page(fos(), (f) => idKey(f.id), args), this.fulfillmentOrder);
      },
      fulfillments: (args: { first?: number | null }) =>
        this.s.fulfillments.filter((f) => f.orderId === order.id).slice(0, args.first ?? undefined).map(this.fulfillment),
      refunds: (args: { first?: number | null }) => this.s.refunds.filter((r) => r.orderId === order.id).slice(0, args.first ?? undefined).map(this.refund),
      transactions: (args: { first?: number | null }) => this.s.transactions.filter((t) => t.orderId === order.id).slice(0, args.first ?? undefined).map((t) => this.transaction(t, order)),
      suggestedRefund: (args: { refundLineItems?: { lineItemId: string; quantity: number; restockType?: string; locationId?: string }[]; refundMethodAllocation?: string }) => {
        const lines = (args.refundLineItems ?? []).map((r) => ({ lineItemId: parseGid(r.lineItemId, 'LineItem') ?? -1, quantity: r.quantity }));
        const { amountCents, parent } = suggestRefund(this.s, order, lines);
        const amount = fromCents(amountCents);
        return {
          __typename: 'SuggestedRefund',
          amountSet: moneyBag(amount, order.currency),
          subtotalSet: moneyBag(amount, order.currency),
          maximumRefundableSet: moneyBag(parent ? fromCents(toCents(parent.amount)) : '0.00', order.currency),
          totalTaxSet: moneyBag('0.00', order.currency),
          refundLineItems: lines.flatMap((r) => {
            const l = order.lines.find((x) => x.id === r.lineItemId);
            return l ? [{ __typename: 'RefundLineItem', id: null, quantity: r.quantity, restockType: 'NO_RESTOCK', restocked: false, location: null, lineItem: this.lineItem(order, l), priceSet: moneyBag(l.price, order.currency), subtotalSet: moneyBag(fromCents(toCents(l.price) * r.quantity), order.currency), totalTaxSet: moneyBag('0.00', order.currency) }] : [];
          }),
          suggestedTransactions: parent && amountCents > 0 && args.refundMethodAllocation !== 'STORE_CREDIT'
            ? [{
              __typename: 'SuggestedOrderTransaction', kind: 'SUGGESTED_REFUND', gateway: parent.gateway, formattedGateway: parent.gateway,
              amountSet: moneyBag(amount, order.currency), maximumRefundableSet: moneyBag(amount, order.currency), parentTransaction: this.transaction(parent, order),
            }]
            : [],
          suggestedRefundMethods: [],
        };
      },
    };
  };

  lineItem = (order: OrderRec, l: OrderLineRec): View => {
    const item = l.itemId === null ? undefined : this.s.itemsById.get(l.itemId);
    const open = order.cancelledAt === null ? unfulfilledOf(l) : 0;
    return {
      __typename: 'LineItem',
      id: gid('LineItem', l.id),
      sku: l.sku,
      name: l.title,
      title: l.title,
      quantity: l.quantity,
      currentQuantity: order.cancelledAt === null ? currentOf(l) : 0,
      unfulfilledQuantity: open,
      refundableQuantity: currentOf(l),
      nonFulfillableQuantity: l.quantity - open - l.fulfilled,
      restockable: l.itemId !== null,
      requiresShipping: true,
      originalUnitPriceSet: moneyBag(l.price, order.currency),
      variant: item ? this.variant(item) : null,
      product: item ? this.product(item) : null,
    };
  };

  fulfillmentOrder = (fo: FulfillmentOrderRec): View => {
    const order = this.s.order(fo.orderId)!;
    const loc = this.s.location(fo.locationId);
    return {
      __typename: 'FulfillmentOrder',
      id: gid('FulfillmentOrder', fo.id),
      status: fo.status,
      requestStatus: 'UNSUBMITTED',
      createdAt: iso(fo.createdAt),
      updatedAt: iso(fo.updatedAt),
      orderId: gid('Order', order.id),
      orderName: order.name,
      order: () => this.order(order),
      assignedLocation: { __typename: 'FulfillmentOrderAssignedLocation', name: loc?.name ?? '', countryCode: 'US', location: loc ? this.location(loc) : null },
      supportedActions: fo.status === 'OPEN' || fo.status === 'IN_PROGRESS' ? [{ __typename: 'FulfillmentOrderSupportedAction', action: 'CREATE_FULFILLMENT' }] : [],
      lineItems: (args: PageArgs) =>
        connection(this.page(fo.lines, (l) => idKey(l.id), args), (fl) => {
          const line = order.lines.find((l) => l.id === fl.lineItemId)!;
          return {
            __typename: 'FulfillmentOrderLineItem',
            id: gid('FulfillmentOrderLineItem', fl.id),
            totalQuantity: fl.totalQuantity,
            remainingQuantity: fl.remainingQuantity,
            sku: line.sku,
            productTitle: line.title,
            requiresShipping: true,
            inventoryItemId: line.itemId === null ? null : gid('InventoryItem', line.itemId),
            lineItem: () => this.lineItem(order, line),
            warnings: [],
            financialSummaries: [],
          };
        }),
      fulfillments: (args: PageArgs) =>
        connection(this.page(this.s.fulfillments.filter((f) => f.fulfillmentOrderIds.includes(fo.id)), (f) => idKey(f.id), args), this.fulfillment),
    };
  };

  fulfillment = (f: FulfillmentRec): View => {
    const order = this.s.order(f.orderId)!;
    const loc = this.s.location(f.locationId);
    return {
      __typename: 'Fulfillment',
      id: gid('Fulfillment', f.id),
      legacyResourceId: String(f.id),
      name: f.name,
      status: f.status === 'success' ? 'SUCCESS' : 'CANCELLED',
      displayStatus: f.status === 'success' ? 'FULFILLED' : 'CANCELED',
      createdAt: iso(f.createdAt),
      updatedAt: iso(f.updatedAt),
      requiresShipping: true,
      totalQuantity: f.lines.reduce((n, l) => n + l.quantity, 0),
      location: loc ? this.location(loc) : null,
      order: () => this.order(order),
      trackingInfo: (args: { first?: number | null }) =>
        f.trackingNumbers.length === 0 && f.trackingCompany === null
          ? []
          : (f.trackingNumbers.length ? f.trackingNumbers : [null]).slice(0, args.first ?? undefined).map((number, i) => ({
            __typename: 'FulfillmentTrackingInfo', company: f.trackingCompany, number, url: f.trackingUrls[i] ?? null,
          })),
      fulfillmentLineItems: (args: PageArgs) =>
        connection(this.page(f.lines, (l) => idKey(l.lineItemId), args), (x) => ({
          __typename: 'FulfillmentLineItem',
          id: gid('FulfillmentLineItem', `${f.id}${x.lineItemId}`),
          quantity: x.quantity,
          lineItem: this.lineItem(order, order.lines.find((l) => l.id === x.lineItemId)!),
        })),
    };
  };

  refund = (r: RefundRec): View => {
    const order = this.s.order(r.orderId)!;
    const total = r.transactions.reduce((n, t) => n + toCents(t.amount), 0);
    return {
      __typename: 'Refund',
      id: gid('Refund', r.id),
      legacyResourceId: String(r.id),
      note: r.note,
      createdAt: iso(r.createdAt),
      processedAt: iso(r.createdAt),
      updatedAt: iso(r.createdAt),
      order: () => this.order(order),
      totalRefundedSet: moneyBag(fromCents(total), order.currency),
      refundLineItems: (args: PageArgs) =>
        connection(this.page(r.lines, (l) => idKey(l.id), args), (l) => {
          const loc = l.locationId === null ? undefined : this.s.location(l.locationId);
          return {
            __typename: 'RefundLineItem',
            id: gid('RefundLineItem', l.id),
            quantity: l.quantity,
            restockType: l.restockType.toUpperCase(),
            restocked: l.restocked,
            location: loc ? this.location(loc) : null,
            lineItem: this.lineItem(order, order.lines.find((x) => x.id === l.lineItemId)!),
            priceSet: moneyBag(order.lines.find((x) => x.id === l.lineItemId)!.price, order.currency),
            subtotalSet: moneyBag(l.subtotal, order.currency),
            totalTaxSet: moneyBag('0.00', order.currency),
          };
        }),
      transactions: (args: PageArgs) => connection(this.page(r.transactions, (t) => idKey(t.id), args), (t) => this.transaction(t, order)),
    };
  };

  transaction = (t: TransactionRec, order: OrderRec): View => ({
    __typename: 'OrderTransaction',
    id: gid('OrderTransaction', t.id),
    kind: t.kind === 'sale' ? 'SALE' : 'REFUND',
    status: 'SUCCESS',
    gateway: t.gateway,
    formattedGateway: t.gateway,
    amountSet: moneyBag(t.amount, order.currency),
    createdAt: iso(t.createdAt),
    processedAt: iso(t.createdAt),
    test: true,
    manualPaymentGateway: t.gateway === 'manual',
    parentTransaction: () => {
      const p = t.parentId === null ? undefined : this.s.transactions.find((x) => x.id === t.parentId);
      return p ? this.transaction(p, order) : null;
    },
  });

  discount = (d: DiscountRec): View => ({
    __typename: 'DiscountCodeNode',
    id: gid('DiscountCodeNode', d.id),
    codeDiscount: {
      __typename: 'DiscountCodeBasic',
      title: d.title,
      status: 'ACTIVE',
      usageLimit: d.usageLimit,
      appliesOncePerCustomer: d.appliesOncePerCustomer,
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      createdAt: iso(d.createdAt),
      codes: (args: PageArgs) =>
        connection(paginate([d], () => 'c', args), () => ({ __typename: 'DiscountRedeemCode', id: gid('DiscountRedeemCode', d.id), code: d.code })),
    },
  });

  subscription = (sub: SubscriptionRec, apiVersion: string): View => ({
    __typename: 'WebhookSubscription',
    id: gid('WebhookSubscription', sub.id),
    legacyResourceId: String(sub.id),
    topic: sub.topic.toUpperCase().replace('/', '_'),
    callbackUrl: sub.callbackUrl,
    uri: sub.callbackUrl,
    name: null,
    metafields: [],
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: sub.callbackUrl },
    format: 'JSON',
    includeFields: [],
    metafieldNamespaces: [],
    filter: null,
    createdAt: iso(sub.createdAt),
    updatedAt: iso(sub.createdAt),
    apiVersion: { handle: apiVersion, displayName: apiVersion, supported: true },
  });

  /** Items matching a search, in id order. */
  searchItems(query: string | null | undefined): ItemRec[] {
    const q = parseSearch(query);
    return this.s.items.filter((i) =>
      matches(q, i, (it, field) => {
        if (field === 'sku') return it.sku;
        if (field === 'id') return it.id;
        if (field === 'updated_at') return it.updatedAt;
        if (field === 'created_at') return it.createdAt;
        return undefined;
      }),
    );
  }

  searchOrders(query: string | null | undefined, sortKey: string): OrderRec[] {
    const q = parseSearch(query);
    const list = this.s.orders.filter((o) =>
      matches(q, o, (ord, field) => {
        if (field === 'updated_at') return ord.updatedAt;
        if (field === 'created_at') return ord.createdAt;
        if (field === 'id') return ord.id;
        if (field === 'email') return ord.email;
        if (field === 'name') return ord.name;
        if (field === 'status') return ord.cancelledAt === null ? 'open' : 'cancelled';
        if (field === 'source_identifier') return ord.sourceIdentifier;
        if (field === 'tag') return ord.tags;
        if (field === 'fulfillment_status') {
          const st = orderFulfillmentStatus(ord);
          return st === 'fulfilled' ? 'fulfilled' : st === 'partial' ? 'partial' : 'unfulfilled';
        }
        return undefined;
      }),
    );
    const sortVal = (o: OrderRec) => (sortKey === 'UPDATED_AT' ? o.updatedAt : sortKey === 'ID' ? o.id : o.createdAt);
    return list.sort((a, b) => sortVal(a) - sortVal(b) || a.id - b.id);
  }

  orderKey(sortKey: string): (o: OrderRec) => string {
    return (o) => `${idKey(sortKey === 'UPDATED_AT' ? o.updatedAt : sortKey === 'ID' ? o.id : o.createdAt)}:${idKey(o.id)}`;
  }

  idKey = idKey;
}
