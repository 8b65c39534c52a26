/**
 * Every GraphQL document the Shopify connector sends, with its requested cost under Shopify's calculated-cost
 * rules (objects 1, connections 2 + first x node, mutations 10 + payload; see src/emulators/shopify/cost.ts).
 * The connector predicts costs from these formulas so it never sends what the bucket cannot afford;
 * test/shopify/documents.test.ts validates every document against Shopify's real 2026-10 and 2026-07 schemas with
 * no deprecated field or argument, and checks each formula against the emulator's cost calculator.
 */

export const SET_QUANTITIES = `mutation DropsyncSetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;
/** 10 (mutation) + inventoryAdjustmentGroup 1 + userErrors 1. */
export const SET_QUANTITIES_COST = 12;

export const LEVELS_BY_ID = `query DropsyncLevelsById($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
  }
}`;
/** Per id: node 1 + inventoryLevel 1 + quantities 1. */
export const levelsByIdCost = (ids: number) => 3 * ids;
export const LEVELS_BY_ID_MAX = 250;

export const LEVELS_PAGE = `query DropsyncLevelsPage($first: Int!, $after: String, $locationId: ID!) {
  inventoryItems(first: $first, after: $after) {
    nodes {
      id
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const levelsPageCost = (first: number) => 2 + 3 * first;

export const DISCOVER_ITEMS = `query DropsyncDiscoverItems($first: Int!, $after: String, $query: String!, $locationId: ID!) {
  inventoryItems(first: $first, after: $after, query: $query) {
    nodes {
      id
      sku
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const discoverCost = (first: number) => 2 + 3 * first;

export const LOCATIONS = `query DropsyncLocations {
  locations(first: 50) { nodes { id name isActive } }
}`;
export const LOCATIONS_COST = 2 + 50;

/** Line items per order read when polling; orders with more lines are rare in dropshipping. */
export const ORDER_LINES_PER_ORDER = 50;
/**
 * An order's fields as polling and look-ups read them: per line the ordered, current (not refunded or removed)
 * and unfulfilled quantities (`LineItem.fulfillableQuantity` is deprecated; `unfulfilledQuantity` is not), the tags
 * and `sourceIdentifier` a forwarded order carries, and the fulfilment status. Scalars cost nothing, so this costs
 * what the older selection did.
 */
const ORDER_FIELDS = `id
      name
      email
      createdAt
      updatedAt
      cancelledAt
      tags
      sourceIdentifier
      displayFulfillmentStatus
      lineItems(first: ${ORDER_LINES_PER_ORDER}) { nodes { id sku quantity currentQuantity unfulfilledQuantity } }`;
export const ORDERS = `query DropsyncOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      ${ORDER_FIELDS}
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
/** Per order: order 1 + lineItems connection (2 + 50 x 1). */
export const ordersCost = (first: number) => 2 + first * (1 + 2 + ORDER_LINES_PER_ORDER);
export const ORDERS_PAGE = 10;

export const ORDER_CUSTOMER = `query DropsyncOrderCustomer($id: ID!) {
  order(id: $id) { id email cancelledAt customer { id } }
}`;
export const ORDER_CUSTOMER_COST = 2;

/** `refund: Boolean` is deprecated since 2026-07; `refundMethod` ({originalPaymentMethodsRefund: true}) replaces it. */
export const ORDER_CANCEL = `mutation DropsyncOrderCancel($orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!, $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean, $staffNote: String) {
  orderCancel(orderId: $orderId, reason: $reason, restock: $restock, refundMethod: $refundMethod, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
    job { id done }
    orderCancelUserErrors { code field message }
  }
}`;
export const ORDER_CANCEL_COST = 12;

export const DISCOUNT_CREATE = `mutation DropsyncDiscountCreate($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { code field message }
  }
}`;
export const DISCOUNT_CREATE_COST = 12;

/** `WebhookSubscriptionInput.callbackUrl` is deprecated since 2026-07; `uri` replaces it. */
export const WEBHOOK_CREATE = `mutation DropsyncWebhookCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;
export const WEBHOOK_CREATE_COST = 12;

/** This app's subscriptions delivering to one URI (a store's webhook route), to find the ones Shopify removed. */
export const WEBHOOK_LIST_MAX = 50;
export const WEBHOOK_LIST = `query DropsyncWebhooks($uri: String!) {
  webhookSubscriptions(first: ${WEBHOOK_LIST_MAX}, uri: $uri) { nodes { id topic uri } }
}`;
/** Connection 2 + 50 nodes x 1. */
export const WEBHOOK_LIST_COST = 2 + WEBHOOK_LIST_MAX;

/**
 * Bulk read of every item's `available` level. The inner query is a string argument, so it is not priced:
 * the run costs 10 (mutation) + bulkOperation 1 + userErrors 1, and each poll 1 (one object). `groupObjects`
 * (default false) is sent explicitly: each object on its own line, the form the parser reads and, per the schema's
 * own text, the faster one.
 * Bulk queries take no variables, so the location id is written into the text (a gid: no quoting issues).
 */
export const bulkLevelsQuery = (locationId: string) =>
  `{ inventoryItems { edges { node { id inventoryLevel(locationId: ${JSON.stringify(locationId)}) { quantities(names: ["available"]) { name quantity } } } } } }`;

export const BULK_RUN = `mutation DropsyncBulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { code field message }
  }
}`;
export const BULK_RUN_COST = 12;

/**
 * Polls one operation by its own id (`currentBulkOperation` is deprecated since 2026-01: up to five operations run
 * at once, so "the current one" is not ours).
 */
export const BULK_POLL = `query DropsyncBulkPoll($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } }
}`;
export const BULK_POLL_COST = 1;

/** Every location, deactivated ones too (a source store maps them; `isActive` says which can sell). */
export const SOURCE_LOCATIONS_PAGE = 100;
export const SOURCE_LOCATIONS = `query DropsyncSourceLocations($after: String) {
  locations(first: ${SOURCE_LOCATIONS_PAGE}, after: $after, includeInactive: true) {
    nodes { id name isActive }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const SOURCE_LOCATIONS_COST = 2 + SOURCE_LOCATIONS_PAGE;

/**
 * One location's levels with their items' SKUs, page by page: a source store's reconciliation read. The level's
 * own `updatedAt` (and the quantity's, when Shopify gives it) is the time the resulting `set` carries.
 */
export const SOURCE_LEVELS_PAGE = `query DropsyncSourceLevels($locationId: ID!, $first: Int!, $after: String) {
  location(id: $locationId) {
    id
    inventoryLevels(first: $first, after: $after) {
      nodes { updatedAt item { id sku } quantities(names: ["available"]) { name quantity updatedAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
/** location 1 + connection 2 + per level (1 + item 1 + quantities 1). */
export const sourceLevelsPageCost = (first: number) => 1 + 2 + 3 * first;

/** The same for every location at once, as one bulk operation (nested connection: levels carry `__parentId`). */
export const BULK_SOURCE_LEVELS_QUERY =
  '{ locations { edges { node { id inventoryLevels { edges { node { updatedAt item { id sku } quantities(names: ["available"]) { name quantity updatedAt } } } } } } } }';

/**
 * One order with what the engine needs to account for it line by line: per-line quantities, fulfilments with
 * tracking and their lines, refunds with their lines and restock. Order.fulfillments and Order.refunds are lists
 * (not connections); their `first` and the nested connections are kept small enough that even pricing each list
 * by its `first` stays under the 1,000-point limit (10 x 25 + 5 x 35 + 53 = 478).
 */
export const ORDER_STATE_FULFILMENTS = 10;
export const ORDER_STATE_REFUNDS = 5;
export const ORDER_STATE = `query DropsyncOrderState($id: ID!) {
  order(id: $id) {
    ${ORDER_FIELDS}
    fulfillments(first: ${ORDER_STATE_FULFILMENTS}) {
      id status createdAt updatedAt
      location { id }
      trackingInfo(first: 5) { company number url }
      fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id sku } } }
    }
    refunds(first: ${ORDER_STATE_REFUNDS}) {
      id createdAt note
      totalRefundedSet { shopMoney { amount currencyCode } }
      refundLineItems(first: 10) { nodes { quantity restockType restocked location { id } lineItem { id sku } } }
    }
  }
}`;
/**
 * order 1 + lineItems 52 + fulfillments (1 + location 1 + trackingInfo 1 + lines 2 + 10 x 2) + refunds (1 +
 * totalRefundedSet 2 + lines 2 + 10 x 3), each list priced as one element.
 */
export const ORDER_STATE_COST = 1 + 52 + 25 + 35;

/**
 * What fulfilling or refunding needs: the order's lines, its fulfilment orders (assigned location, remaining
 * quantity per line item), its fulfilments' tracking numbers (a retried package is recognised by them) and its
 * refunds' notes (a retried refund is recognised by the key written into its note).
 */
export const ORDER_FULFILMENT_ORDERS = `query DropsyncFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    cancelledAt
    lineItems(first: ${ORDER_LINES_PER_ORDER}) { nodes { id sku quantity currentQuantity unfulfilledQuantity } }
    fulfillmentOrders(first: 5) {
      nodes {
        id status
        assignedLocation { location { id } }
        lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } }
      }
    }
    fulfillments(first: ${ORDER_STATE_FULFILMENTS}) { id status trackingInfo(first: 5) { company number url } }
    refunds(first: 10) { id note }
  }
}`;
/** order 1 + lineItems 52 + fulfillmentOrders (2 + 5 x (1 + 2 + lines 2 + 50 x 2)) + fulfillments (1 + trackingInfo 1) + refunds 1. */
export const ORDER_FULFILMENT_ORDERS_COST = 1 + 52 + (2 + 5 * 105) + 2 + 1;

const FULFILMENT_FIELDS = `id status createdAt updatedAt
      location { id }
      trackingInfo(first: 5) { company number url }
      fulfillmentLineItems(first: 50) { nodes { quantity lineItem { id sku } } }`;

/** One package: fulfilment order line items of one location, tracking, and whether Shopify tells the customer. */
export const FULFILLMENT_CREATE = `mutation DropsyncFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment {
      ${FULFILMENT_FIELDS}
    }
    userErrors { field message }
  }
}`;
/** 10 + fulfillment (1 + location 1 + trackingInfo 1 + lines 2 + 50 x 2) + userErrors 1. */
export const FULFILLMENT_CREATE_COST = 10 + 105 + 1;

/**
 * What Shopify would refund for these lines, and against which payment: the documented way to build a refund's
 * transactions (suggestedRefund, then refundCreate with its suggested transactions).
 */
export const SUGGESTED_REFUND = `query DropsyncSuggestedRefund($id: ID!, $lines: [RefundLineItemInput!]!) {
  order(id: $id) {
    id
    suggestedRefund(refundLineItems: $lines, refundMethodAllocation: ORIGINAL_PAYMENT_METHODS) {
      amountSet { shopMoney { amount currencyCode } }
      suggestedTransactions { gateway kind amountSet { shopMoney { amount currencyCode } } parentTransaction { id } }
    }
  }
}`;
/** order 1 + suggestedRefund 1 + amountSet 2 + suggestedTransactions (one element: 1 + amountSet 2 + parentTransaction 1). */
export const SUGGESTED_REFUND_COST = 8;

/** A refund of line items with restock; `@idempotent` is required for refundCreate since 2026-04. */
export const REFUND_CREATE = `mutation DropsyncRefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund {
      id createdAt note
      totalRefundedSet { shopMoney { amount currencyCode } }
      refundLineItems(first: 50) { nodes { quantity restockType restocked location { id } lineItem { id sku } } }
    }
    userErrors { field message }
  }
}`;
/** 10 + refund (1 + totalRefundedSet 2 + lines 2 + 50 x 3) + userErrors 1. */
export const REFUND_CREATE_COST = 10 + 155 + 1;

/** A forwarded order found by the `source_identifier` it was created with (`orders(query:)` documents the filter). */
export const FORWARD_LOOKUP = `query DropsyncForwardLookup($query: String!) {
  orders(first: 1, query: $query) {
    nodes {
      ${ORDER_FIELDS}
    }
  }
}`;
export const FORWARD_LOOKUP_COST = 2 + 53;

/** The supplier's variants by SKU (exact matches are picked by the caller: Shopify's search is looser). */
export const VARIANTS_BY_SKU_PAGE = 100;
export const VARIANTS_BY_SKU = `query DropsyncVariantsBySku($query: String!) {
  productVariants(first: ${VARIANTS_BY_SKU_PAGE}, query: $query) { nodes { id sku } }
}`;
export const VARIANTS_BY_SKU_COST = 2 + VARIANTS_BY_SKU_PAGE;

/** orderCreate: what Shopify documents for creating an order that comes from another system. */
export const ORDER_CREATE = `mutation DropsyncOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order {
      ${ORDER_FIELDS}
    }
    userErrors { code field message }
  }
}`;
/** 10 + order (1 + lineItems 52) + userErrors 1. */
export const ORDER_CREATE_COST = 10 + 53 + 1;

/** All documents with sample variables, for the schema-validation and cost tests. */
export const ALL_DOCUMENTS: { name: string; query: string; variables: Record<string, unknown>; cost: number }[] = [
  {
    name: 'set quantities',
    query: SET_QUANTITIES,
    variables: {
      key: '00000000-0000-4000-8000-000000000000',
      input: {
        name: 'available',
        reason: 'correction',
        quantities: [{ inventoryItemId: 'gid://shopify/InventoryItem/1', locationId: 'gid://shopify/Location/1', quantity: 1, changeFromQuantity: null }],
      },
    },
    cost: SET_QUANTITIES_COST,
  },
  { name: 'levels by id', query: LEVELS_BY_ID, variables: { ids: ['gid://shopify/InventoryItem/1', 'gid://shopify/InventoryItem/2'], locationId: 'gid://shopify/Location/1' }, cost: levelsByIdCost(2) },
  { name: 'levels page', query: LEVELS_PAGE, variables: { first: 250, after: null, locationId: 'gid://shopify/Location/1' }, cost: levelsPageCost(250) },
  { name: 'discover items', query: DISCOVER_ITEMS, variables: { first: 60, after: null, query: 'sku:"A" OR sku:"B"', locationId: 'gid://shopify/Location/1' }, cost: discoverCost(60) },
  { name: 'locations', query: LOCATIONS, variables: {}, cost: LOCATIONS_COST },
  { name: 'orders', query: ORDERS, variables: { first: ORDERS_PAGE, after: null, query: "updated_at:>='2026-01-01T00:00:00Z'" }, cost: ordersCost(ORDERS_PAGE) },
  { name: 'order customer', query: ORDER_CUSTOMER, variables: { id: 'gid://shopify/Order/1' }, cost: ORDER_CUSTOMER_COST },
  {
    name: 'order cancel',
    query: ORDER_CANCEL,
    variables: { orderId: 'gid://shopify/Order/1', reason: 'INVENTORY', restock: true, refundMethod: { originalPaymentMethodsRefund: true }, notifyCustomer: true, staffNote: 'x' },
    cost: ORDER_CANCEL_COST,
  },
  {
    name: 'discount create',
    query: DISCOUNT_CREATE,
    variables: {
      input: {
        title: 'Sorry',
        code: 'SORRY-1',
        startsAt: '2026-01-01T00:00:00Z',
        usageLimit: 1,
        appliesOncePerCustomer: true,
        context: { customers: { add: ['gid://shopify/Customer/1'] } },
        customerGets: { value: { discountAmount: { amount: '20.00', appliesOnEachItem: false } }, items: { all: true } },
      },
    },
    cost: DISCOUNT_CREATE_COST,
  },
  { name: 'bulk run', query: BULK_RUN, variables: { query: bulkLevelsQuery('gid://shopify/Location/1') }, cost: BULK_RUN_COST },
  { name: 'bulk poll', query: BULK_POLL, variables: { id: 'gid://shopify/BulkOperation/1' }, cost: BULK_POLL_COST },
  { name: 'webhook create', query: WEBHOOK_CREATE, variables: { topic: 'ORDERS_CREATE', uri: 'https://example.com/webhooks/shopify/s1' }, cost: WEBHOOK_CREATE_COST },
  { name: 'webhook list', query: WEBHOOK_LIST, variables: { uri: 'https://example.com/webhooks/shopify/s1' }, cost: WEBHOOK_LIST_COST },
  { name: 'source locations', query: SOURCE_LOCATIONS, variables: { after: null }, cost: SOURCE_LOCATIONS_COST },
  { name: 'source levels page', query: SOURCE_LEVELS_PAGE, variables: { locationId: 'gid://shopify/Location/1', first: 250, after: null }, cost: sourceLevelsPageCost(250) },
  { name: 'bulk run (source levels)', query: BULK_RUN, variables: { query: BULK_SOURCE_LEVELS_QUERY }, cost: BULK_RUN_COST },
  { name: 'order state', query: ORDER_STATE, variables: { id: 'gid://shopify/Order/1' }, cost: ORDER_STATE_COST },
  { name: 'order fulfilment orders', query: ORDER_FULFILMENT_ORDERS, variables: { id: 'gid://shopify/Order/1' }, cost: ORDER_FULFILMENT_ORDERS_COST },
  {
    name: 'fulfillment create',
    query: FULFILLMENT_CREATE,
    variables: {
      fulfillment: {
        lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/1', fulfillmentOrderLineItems: [{ id: 'gid://shopify/FulfillmentOrderLineItem/1', quantity: 1 }] }],
        trackingInfo: { company: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
        notifyCustomer: true,
      },
    },
    cost: FULFILLMENT_CREATE_COST,
  },
  {
    name: 'suggested refund',
    query: SUGGESTED_REFUND,
    variables: { id: 'gid://shopify/Order/1', lines: [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1, restockType: 'CANCEL', locationId: 'gid://shopify/Location/1' }] },
    cost: SUGGESTED_REFUND_COST,
  },
  {
    name: 'refund create',
    query: REFUND_CREATE,
    variables: {
      key: '00000000-0000-4000-8000-000000000001',
      input: {
        orderId: 'gid://shopify/Order/1',
        note: 'out of stock',
        notify: true,
        refundLineItems: [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1, restockType: 'CANCEL', locationId: 'gid://shopify/Location/1' }],
        transactions: [{ orderId: 'gid://shopify/Order/1', parentId: 'gid://shopify/OrderTransaction/1', gateway: 'shopify_payments', kind: 'REFUND', amount: '10.00' }],
      },
    },
    cost: REFUND_CREATE_COST,
  },
  { name: 'forward lookup', query: FORWARD_LOOKUP, variables: { query: 'source_identifier:"ds-0123456789abcdef01234567"' }, cost: FORWARD_LOOKUP_COST },
  { name: 'variants by sku', query: VARIANTS_BY_SKU, variables: { query: 'sku:"A" OR sku:"B"' }, cost: VARIANTS_BY_SKU_COST },
  {
    name: 'order create',
    query: ORDER_CREATE,
    variables: {
      order: {
        lineItems: [{ variantId: 'gid://shopify/ProductVariant/1', quantity: 2 }],
        tags: ['dropsync', 'dropsync-retailer:Acme', 'dropsync-order:#1001'],
        sourceIdentifier: 'ds-0123456789abcdef01234567',
        note: 'Forwarded by dropsync',
        financialStatus: 'PAID',
        shippingAddress: { firstName: 'Ann', lastName: 'Lee', address1: '1 Main St', city: 'Springfield', countryCode: 'US', provinceCode: 'IL', zip: '62701' },
        shippingLines: [{ title: 'Standard', code: 'STANDARD', priceSet: { shopMoney: { amount: '5.00', currencyCode: 'USD' } } }],
        customer: { toUpsert: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' } },
      },
      options: { inventoryBehaviour: 'DECREMENT_IGNORING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false },
    },
    cost: ORDER_CREATE_COST,
  },
];
