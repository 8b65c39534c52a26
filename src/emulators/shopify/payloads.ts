/** Webhook bodies in Shopify's REST shapes (Order, InventoryLevel), as the reference describes them. */
import type { LevelRec, OrderRec } from './types.ts';

/** Shoppers are identified by email in the emulator; the customer id is a stable number derived from it. */
export function customerNumber(email: string): number {
  let h = 7;
  for (const ch of email.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return h;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `redact`: as an app without protected customer data access receives it (no email, no customer). */
export function orderPayload(order: OrderRec, redact = false): Record<string, unknown> {
  const email = redact ? null : order.email;
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    order_number: order.number,
    email,
    contact_email: email,
    customer: email ? { id: customerNumber(email), admin_graphql_api_id: `gid://shopify/Customer/${customerNumber(email)}`, email } : null,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
    cancelled_at: iso(order.cancelledAt),
    cancel_reason: order.cancelReason,
    financial_status: order.cancelledAt === null ? 'paid' : 'refunded',
    fulfillment_status: null,
    currency: 'USD',
    location_id: order.locationId,
    line_items: order.lines.map((l) => ({
      id: l.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
      variant_id: l.variantId,
      product_id: l.productId,
      sku: l.sku,
      title: l.title,
      name: l.title,
      quantity: l.quantity,
      current_quantity: order.cancelledAt === null ? l.quantity : 0,
      fulfillable_quantity: order.cancelledAt === null ? l.quantity : 0,
      fulfillment_status: null,
    })),
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
