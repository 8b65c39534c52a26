/**
 * GraphQL views of the shop's records: plain objects whose properties are values or `(args) => value`
 * functions, which graphql-js's default resolver calls. `__typename` picks the concrete type of interfaces.
 */
import type { RequestContext } from './resolvers.ts';
import { accessDenied } from './access.ts';
import { customerNumber } from './payloads.ts';
export { customerNumber };
import { gid, parseGid, type ShopState } from './state.ts';
import { matches, paginate, parseSearch, type Page, type PageArgs } from './search.ts';
import type { DiscountRec, ItemRec, LocationRec, OrderRec, SubscriptionRec } from './types.ts';

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

export class Views {
  constructor(private readonly s: ShopState) {}

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
      isActive: gate('isActive', true),
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
        paginate(this.s.locations.filter((l) => this.s.level(item.id, l.id)), (l) => idKey(l.id), args),
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

  order = (order: OrderRec): View => ({
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
    displayFinancialStatus: order.cancelledAt === null ? 'PAID' : 'REFUNDED',
    customer: (_a: unknown, ctx: RequestContext | undefined) => {
      if (!order.email || ctx?.redactCustomers) return null;
      if (ctx && !ctx.scopes.has('read_customers')) throw accessDenied('customer', ['read_customers']);
      return { __typename: 'Customer', id: gid('Customer', customerNumber(order.email)), displayName: order.email, defaultEmailAddress: { emailAddress: order.email } };
    },
    lineItems: (args: PageArgs) =>
      connection(paginate(order.lines, (l) => idKey(l.id), args), (l) => {
        const item = l.itemId === null ? undefined : this.s.itemsById.get(l.itemId);
        return {
          __typename: 'LineItem',
          id: gid('LineItem', l.id),
          sku: l.sku,
          name: l.title,
          title: l.title,
          quantity: l.quantity,
          currentQuantity: order.cancelledAt === null ? l.quantity : 0,
          variant: item ? this.variant(item) : null,
          product: item ? this.product(item) : null,
        };
      }),
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
