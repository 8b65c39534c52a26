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
export const ORDERS = `query DropsyncOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id
      name
      email
      createdAt
      updatedAt
      cancelledAt
      lineItems(first: ${ORDER_LINES_PER_ORDER}) { nodes { sku quantity } }
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
];
