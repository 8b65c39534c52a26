/**
 * Webhook bodies in Shopify's REST shapes (Order, Fulfillment, Refund, InventoryLevel), with the fields the REST
 * reference lists for each resource (Shopify's `@shopify/shopify-api` REST resources name the same fields).
 */
import { currentOf, orderFulfillmentStatus, unfulfilledOf as unfulfilled } from './lines.ts';
import type { ShopState } from './state.ts';
import type { FulfillmentRec, LevelRec, OrderLineRec, OrderRec, RefundRec, TransactionRec } from './types.ts';

/** Shoppers are identified by email in the emulator; the customer id is a stable number derived from it. */
export function customerNumber(email: string): number {
  let h = 7;
  for (const ch of email.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return h;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const money = (amount: string, currency: string) => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } });
const cents = (s: string) => Math.round(Number(s) * 100);
const dollars = (c: number) => (c / 100).toFixed(2);

function lineItemPayload(order: OrderRec, l: OrderLineRec, quantity = l.quantity): Record<string, unknown> {
  const open = order.cancelledAt === null ? unfulfilled(l) : 0;
  return {
    id: l.id,
    admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
    variant_id: l.variantId,
    product_id: l.productId,
    sku: l.sku,
    title: l.title,
    name: l.title,
    quantity,
    current_quantity: order.cancelledAt === null ? currentOf(l) : 0,
    fulfillable_quantity: open,
    fulfillment_status: l.fulfilled === 0 ? null : open === 0 ? 'fulfilled' : 'partial',
    fulfillment_service: 'manual',
    requires_shipping: true,
    price: l.price,
    price_set: money(l.price, order.currency),
    total_discount: '0.00',
  };
}

/** `redact`: as an app without protected customer data access receives it (no email, no customer). */
export function orderPayload(s: ShopState, order: OrderRec, redact = false): Record<string, unknown> {
  const email = redact ? null : order.email;
  const fulfillmentStatus = orderFulfillmentStatus(order);
  const subtotal = order.lines.reduce((n, l) => n + cents(l.price) * l.quantity, 0);
  const shipping = order.shippingLines.reduce((n, l) => n + cents(l.price), 0);
  const a = order.shippingAddress;
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    number: order.number - 1000,
    order_number: order.number,
    email,
    contact_email: email,
    customer: email
      ? { id: customerNumber(email), admin_graphql_api_id: `gid://shopify/Customer/${customerNumber(email)}`, email, first_name: order.customer?.firstName ?? null, last_name: order.customer?.lastName ?? null }
      : null,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    processed_at: iso(order.createdAt),
    cancelled_at: iso(order.cancelledAt),
    cancel_reason: order.cancelReason,
    closed_at: null,
    financial_status: order.cancelledAt !== null && order.financialStatus === 'paid' ? 'refunded' : order.financialStatus,
    fulfillment_status: fulfillmentStatus,
    currency: order.currency,
    tags: order.tags.join(', '),
    note: order.note,
    source_identifier: order.sourceIdentifier,
    source_name: order.sourceName,
    location_id: order.locationId,
    subtotal_price: dollars(subtotal),
    total_price: dollars(subtotal + shipping),
    shipping_address: a && !redact
      ? { ...a, name: [a.first_name, a.last_name].filter(Boolean).join(' ') || null, country: a.country_code, province: a.province_code }
      : null,
    shipping_lines: order.shippingLines.map((l) => ({ id: l.id, title: l.title, code: l.code, price: l.price, price_set: money(l.price, order.currency), source: 'dropsync' })),
    line_items: order.lines.map((l) => lineItemPayload(order, l)),
    fulfillments: s.fulfillments.filter((f) => f.orderId === order.id).map((f) => fulfillmentPayload(s, f)),
    refunds: s.refunds.filter((r) => r.orderId === order.id).map((r) => refundPayload(s, r)),
  };
}

/** The REST Fulfillment: `line_items` are the order's line items with the quantity shipped in this fulfilment. */
export function fulfillmentPayload(s: ShopState, f: FulfillmentRec): Record<string, unknown> {
  const order = s.order(f.orderId)!;
  return {
    id: f.id,
    admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
    order_id: f.orderId,
    name: f.name,
    status: f.status,
    service: 'manual',
    shipment_status: null,
    location_id: f.locationId,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
    tracking_company: f.trackingCompany,
    tracking_number: f.trackingNumbers[0] ?? null,
    tracking_numbers: f.trackingNumbers,
    tracking_url: f.trackingUrls[0] ?? null,
    tracking_urls: f.trackingUrls,
    notify_customer: f.notifyCustomer,
    origin_address: null,
    receipt: {},
    line_items: f.lines.map((x) => lineItemPayload(order, order.lines.find((l) => l.id === x.lineItemId)!, x.quantity)),
  };
}

function transactionPayload(t: TransactionRec, currency: string): Record<string, unknown> {
  return {
    id: t.id, admin_graphql_api_id: `gid://shopify/OrderTransaction/${t.id}`, order_id: t.orderId, kind: t.kind, gateway: t.gateway, status: t.status,
    amount: t.amount, currency, parent_id: t.parentId, created_at: iso(t.createdAt), processed_at: iso(t.createdAt),
  };
}

export function refundPayload(s: ShopState, r: RefundRec): Record<string, unknown> {
  const order = s.order(r.orderId)!;
  return {
    id: r.id,
    admin_graphql_api_id: `gid://shopify/Refund/${r.id}`,
    order_id: r.orderId,
    created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt),
    note: r.note,
    user_id: null,
    restock: r.lines.some((l) => l.restocked),
    refund_line_items: r.lines.map((l) => ({
      id: l.id,
      quantity: l.quantity,
      line_item_id: l.lineItemId,
      location_id: l.locationId,
      restock_type: l.restockType,
      subtotal: Number(l.subtotal),
      total_tax: 0,
      subtotal_set: money(l.subtotal, order.currency),
      total_tax_set: money('0.00', order.currency),
      line_item: lineItemPayload(order, order.lines.find((x) => x.id === l.lineItemId)!),
    })),
    transactions: r.transactions.map((t) => transactionPayload(t, order.currency)),
    order_adjustments: [],
    refund_shipping_lines: [],
    duties: [],
  };
}

export function levelPayload(itemId: number, locationId: number, level: LevelRec): Record<string, unknown> {
  return {
    inventory_item_id: itemId,
    location_id: locationId,
    available: level.available,
    updated_at: iso(level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${locationId}?inventory_item_id=${itemId}`,
  };
}
