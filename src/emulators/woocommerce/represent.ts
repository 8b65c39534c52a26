/** The v3 REST representations of the emulated records (the subset of fields dropsync and its tests read). */
import type { EmCoupon, EmNote, EmOrder, EmProduct, EmVariation, EmWebhook } from './types.ts';

/** WooCommerce's `*_gmt` dates: ISO 8601 to the second, no zone suffix. */
export function wcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function stockStatus(manage: boolean, qty: number | null): string {
  if (!manage) return 'instock';
  return (qty ?? 0) > 0 ? 'instock' : 'outofstock';
}

export function productJson(p: EmProduct): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    status: 'publish',
    sku: p.sku,
    parent_id: 0,
    manage_stock: p.manageStock,
    stock_quantity: p.stockQuantity,
    stock_status: stockStatus(p.manageStock, p.stockQuantity),
    variations: p.variationIds,
    date_modified: wcDate(p.modifiedAt),
    date_modified_gmt: wcDate(p.modifiedAt),
  };
}

export function variationJson(v: EmVariation): Record<string, unknown> {
  return {
    id: v.id,
    type: 'variation',
    sku: v.sku,
    parent_id: v.parentId,
    manage_stock: v.manageStock,
    stock_quantity: v.stockQuantity,
    stock_status: stockStatus(v.manageStock, v.stockQuantity),
    date_modified: wcDate(v.modifiedAt),
    date_modified_gmt: wcDate(v.modifiedAt),
  };
}

export function orderJson(o: EmOrder): Record<string, unknown> {
  return {
    id: o.id,
    number: String(o.id),
    status: o.status,
    currency: 'USD',
    date_created: wcDate(o.createdAt),
    date_created_gmt: wcDate(o.createdAt),
    date_modified: wcDate(o.modifiedAt),
    date_modified_gmt: wcDate(o.modifiedAt),
    billing: { email: o.email },
    line_items: o.lines.map((l) => ({
      id: l.id,
      product_id: l.productId,
      variation_id: l.variationId,
      sku: l.sku,
      quantity: l.quantity,
    })),
    meta_data: o.meta,
  };
}

export function noteJson(n: EmNote): Record<string, unknown> {
  return { id: n.id, note: n.note, customer_note: n.customerNote, date_created_gmt: wcDate(n.createdAt) };
}

export function couponJson(c: EmCoupon): Record<string, unknown> {
  return {
    id: c.id,
    code: c.code,
    amount: c.amount,
    discount_type: c.discountType,
    description: c.description,
    usage_limit: c.usageLimit,
    email_restrictions: c.emailRestrictions,
    date_created_gmt: wcDate(c.createdAt),
  };
}

export function webhookJson(w: EmWebhook): Record<string, unknown> {
  const [resource, event] = w.topic.split('.');
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    delivery_url: w.deliveryUrl,
    date_created_gmt: wcDate(w.createdAt),
    date_modified_gmt: wcDate(w.modifiedAt),
  };
}
