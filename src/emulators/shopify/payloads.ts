/** Webhook bodies in Shopify's REST shapes (Order, InventoryLevel), as the reference describes them. */
import type { LevelRec, OrderRec } from './types.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function orderPayload(order: OrderRec): Record<string, unknown> {
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    name: order.name,
    order_number: order.number,
    email: order.email,
    contact_email: order.email,
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
