/**
 * An order's per-line state as Shopify reports it, in the platform-neutral `RemoteOrder` shape:
 * - from GraphQL (polling, look-ups, `readOrder`): `quantity`, `currentQuantity` (not refunded or removed) and
 *   `unfulfilledQuantity` per line, tags, `sourceIdentifier`, `displayFulfillmentStatus`; `readOrder` adds the
 *   fulfilments (status, tracking, lines) and refunds (lines, restock type, location);
 * - from the REST bodies of the order webhooks (`orders/create`, `orders/updated`, `orders/fulfilled`,
 *   `orders/partially_fulfilled`, `orders/cancelled`): `line_items[].current_quantity` and `fulfillable_quantity`,
 *   and the order's `fulfillments` and `refunds` arrays; and of `fulfillments/create|update` and `refunds/create`.
 * `fulfilledQuantity` and `restockedQuantity` are summed from the fulfilments and refunds when those are known
 * (a cancelled fulfilment ships nothing); `refundedQuantity` is quantity - currentQuantity.
 */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { RemoteFulfilment, RemoteOrder, RemoteOrderLine, RemoteRefund } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import { ORDER_STATE, ORDER_STATE_COST } from './documents.ts';

export interface OrderNode {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  tags?: string[];
  sourceIdentifier?: string | null;
  displayFulfillmentStatus?: string | null;
  lineItems: { nodes: { id?: string; sku: string | null; quantity: number; currentQuantity?: number; unfulfilledQuantity?: number }[] };
  fulfillments?: FulfilmentNode[];
  refunds?: RefundNode[];
}

export interface FulfilmentNode {
  id: string;
  status: string;
  createdAt?: string;
  updatedAt?: string;
  location?: { id: string } | null;
  trackingInfo?: { company: string | null; number: string | null; url: string | null }[];
  fulfillmentLineItems?: { nodes: { quantity: number | null; lineItem: { id: string; sku: string | null } }[] };
}

export interface RefundNode {
  id: string;
  createdAt: string | null;
  note?: string | null;
  totalRefundedSet?: { shopMoney: { amount: string; currencyCode: string } };
  refundLineItems: { nodes: { quantity: number; restockType: string; restocked: boolean; location: { id: string } | null; lineItem: { id: string; sku: string | null } }[] };
}

export function fulfilmentFromNode(f: FulfilmentNode): RemoteFulfilment {
  const tracking = f.trackingInfo ?? [];
  return {
    id: f.id,
    status: f.status.toLowerCase(),
    createdAt: f.createdAt ?? '',
    ...(f.updatedAt ? { updatedAt: f.updatedAt } : {}),
    carrier: tracking.find((t) => t.company)?.company ?? null,
    trackingNumbers: tracking.flatMap((t) => (t.number ? [t.number] : [])),
    trackingUrls: tracking.flatMap((t) => (t.url ? [t.url] : [])),
    locationId: f.location?.id ?? null,
    lines: (f.fulfillmentLineItems?.nodes ?? []).map((n) => ({ lineId: n.lineItem.id, sku: n.lineItem.sku, quantity: n.quantity ?? 0 })),
  };
}

export function refundFromNode(r: RefundNode): RemoteRefund {
  return {
    id: r.id,
    createdAt: r.createdAt ?? '',
    note: r.note ?? null,
    ...(r.totalRefundedSet ? { amount: r.totalRefundedSet.shopMoney.amount, currency: r.totalRefundedSet.shopMoney.currencyCode } : {}),
    lines: r.refundLineItems.nodes.map((n) => ({
      lineId: n.lineItem.id, sku: n.lineItem.sku, quantity: n.quantity, restocked: n.restocked, restockType: n.restockType.toLowerCase(), locationId: n.location?.id ?? null,
    })),
  };
}

/** Adds fulfilled and restocked counts to the lines from the order's fulfilments and refunds. */
function withTotals(lines: RemoteOrderLine[], fulfilments?: RemoteFulfilment[], refunds?: RemoteRefund[]): RemoteOrderLine[] {
  return lines.map((l) => {
    const out = { ...l };
    if (fulfilments && l.lineId) {
      out.fulfilledQuantity = fulfilments.filter((f) => f.status === 'success').reduce((n, f) => n + f.lines.filter((x) => x.lineId === l.lineId).reduce((m, x) => m + x.quantity, 0), 0);
    }
    if (refunds && l.lineId) {
      out.restockedQuantity = refunds.reduce((n, r) => n + r.lines.filter((x) => x.lineId === l.lineId && x.restocked).reduce((m, x) => m + x.quantity, 0), 0);
    }
    return out;
  });
}

export function orderFromNode(node: OrderNode): RemoteOrder {
  const fulfilments = node.fulfillments?.map(fulfilmentFromNode);
  const refunds = node.refunds?.map(refundFromNode);
  const lines: RemoteOrderLine[] = node.lineItems.nodes.map((l) => {
    const line: RemoteOrderLine = { sku: l.sku, quantity: l.quantity };
    if (l.id) line.lineId = l.id;
    if (typeof l.currentQuantity === 'number') {
      line.currentQuantity = l.currentQuantity;
      line.refundedQuantity = l.quantity - l.currentQuantity;
    }
    if (typeof l.unfulfilledQuantity === 'number') line.unfulfilledQuantity = l.unfulfilledQuantity;
    return line;
  });
  return {
    platformOrderId: node.id,
    name: node.name,
    email: node.email,
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    status: node.cancelledAt ? 'cancelled' : 'open',
    lines: withTotals(lines, fulfilments, refunds),
    ...(node.tags ? { tags: node.tags } : {}),
    ...(node.sourceIdentifier !== undefined ? { sourceIdentifier: node.sourceIdentifier } : {}),
    ...(node.displayFulfillmentStatus ? { fulfilmentStatus: node.displayFulfillmentStatus.toLowerCase() } : {}),
    ...(fulfilments ? { fulfilments } : {}),
    ...(refunds ? { refunds } : {}),
  };
}

export const orderGid = (id: string) => (id.startsWith('gid://') ? id : `gid://shopify/Order/${id}`);

/** One order with its fulfilments and refunds; null when the store has no such order. */
export async function readOrder(client: ShopifyClient, platformOrderId: string): Promise<RemoteOrder | null> {
  const res = await client.call<{ order: OrderNode | null }>(ORDER_STATE, { id: orderGid(platformOrderId) }, ORDER_STATE_COST, 'wait');
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the order read');
  return res.data.order ? orderFromNode(res.data.order) : null;
}

// --- REST webhook bodies ---------------------------------------------------------------------------------------

type Rest = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const restId = (v: unknown, type: string, field: string): string => {
  if (typeof v === 'string' && v.startsWith('gid://')) return v;
  if ((typeof v === 'number' || typeof v === 'string') && /^\d+$/.test(String(v))) return `gid://shopify/${type}/${String(v)}`;
  throw invalid(field, 'missing');
};
const gidOr = (b: Rest, type: string, field = 'id') => (typeof b.admin_graphql_api_id === 'string' ? b.admin_graphql_api_id : restId(b.id, type, field));

/** The REST Fulfillment (a `fulfillments/*` body, or an element of an order's `fulfillments`). */
export function fulfilmentFromRest(b: Rest): RemoteFulfilment {
  const numbers = Array.isArray(b.tracking_numbers) ? b.tracking_numbers.map(String) : str(b.tracking_number) ? [String(b.tracking_number)] : [];
  const urls = Array.isArray(b.tracking_urls) ? b.tracking_urls.map(String) : str(b.tracking_url) ? [String(b.tracking_url)] : [];
  const lines = Array.isArray(b.line_items) ? (b.line_items as Rest[]) : [];
  return {
    id: gidOr(b, 'Fulfillment'),
    status: String(b.status ?? 'success').toLowerCase(),
    createdAt: str(b.created_at) ?? '',
    ...(str(b.updated_at) ? { updatedAt: String(b.updated_at) } : {}),
    carrier: str(b.tracking_company),
    trackingNumbers: numbers,
    trackingUrls: urls,
    locationId: b.location_id == null ? null : restId(b.location_id, 'Location', 'location_id'),
    lines: lines.map((l, i) => ({
      lineId: gidOr(l, 'LineItem', `line_items[${i}].id`),
      sku: str(l.sku),
      quantity: typeof l.quantity === 'number' ? l.quantity : 0,
    })),
  };
}

/** The REST Refund (a `refunds/create` body, or an element of an order's `refunds`). */
export function refundFromRest(b: Rest): RemoteRefund {
  const lines = Array.isArray(b.refund_line_items) ? (b.refund_line_items as Rest[]) : [];
  const txs = Array.isArray(b.transactions) ? (b.transactions as Rest[]).filter((t) => t.kind === 'refund' && (t.status === undefined || t.status === 'success')) : [];
  const cents = txs.reduce((n, t) => n + Math.round(Number(t.amount ?? 0) * 100), 0);
  const currency = str(txs[0]?.currency);
  return {
    id: gidOr(b, 'Refund'),
    createdAt: str(b.created_at) ?? '',
    note: str(b.note),
    ...(txs.length ? { amount: (cents / 100).toFixed(2), ...(currency ? { currency } : {}) } : {}),
    lines: lines.map((l, i) => {
      const type = String(l.restock_type ?? 'no_restock').toLowerCase();
      const item = (l.line_item ?? {}) as Rest;
      return {
        lineId: restId(l.line_item_id ?? item.id, 'LineItem', `refund_line_items[${i}].line_item_id`),
        sku: str(item.sku),
        quantity: typeof l.quantity === 'number' ? l.quantity : 0,
        restocked: type === 'cancel' || type === 'return' || type === 'legacy_restock',
        restockType: type,
        locationId: l.location_id == null ? null : restId(l.location_id, 'Location', `refund_line_items[${i}].location_id`),
      };
    }),
  };
}

/** The REST Order of an order webhook, with its lines' state, fulfilments and refunds. */
export function orderFromRest(b: Rest): RemoteOrder {
  const id = typeof b.admin_graphql_api_id === 'string' ? b.admin_graphql_api_id : b.id !== undefined ? `gid://shopify/Order/${String(b.id)}` : null;
  if (!id) throw invalid('id', 'order id missing');
  if (typeof b.created_at !== 'string') throw invalid('created_at', 'missing');
  if (!Array.isArray(b.line_items)) throw invalid('line_items', 'must be an array');
  const fulfilments = Array.isArray(b.fulfillments) ? (b.fulfillments as Rest[]).map(fulfilmentFromRest) : undefined;
  const refunds = Array.isArray(b.refunds) ? (b.refunds as Rest[]).map(refundFromRest) : undefined;
  const lines = b.line_items.map((raw, i): RemoteOrderLine => {
    const l = raw as Rest;
    if (typeof l.quantity !== 'number' || !Number.isInteger(l.quantity)) throw invalid(`line_items[${i}].quantity`, 'must be an integer');
    const line: RemoteOrderLine = { sku: str(l.sku), quantity: l.quantity };
    if (l.id !== undefined || l.admin_graphql_api_id !== undefined) line.lineId = gidOr(l, 'LineItem', `line_items[${i}].id`);
    if (typeof l.title === 'string') line.title = l.title;
    if (typeof l.current_quantity === 'number') {
      line.currentQuantity = l.current_quantity;
      line.refundedQuantity = l.quantity - l.current_quantity;
    }
    if (typeof l.fulfillable_quantity === 'number') line.unfulfilledQuantity = l.fulfillable_quantity;
    return line;
  });
  const tags = typeof b.tags === 'string' ? b.tags.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
  const order: RemoteOrder = {
    platformOrderId: id,
    createdAt: b.created_at,
    status: b.cancelled_at ? 'cancelled' : 'open',
    email: typeof b.email === 'string' ? b.email : null,
    lines: withTotals(lines, fulfilments, refunds),
    ...(tags ? { tags } : {}),
    ...('source_identifier' in b ? { sourceIdentifier: str(b.source_identifier) } : {}),
    ...('fulfillment_status' in b ? { fulfilmentStatus: b.fulfillment_status === null ? 'unfulfilled' : String(b.fulfillment_status) } : {}),
    ...(fulfilments ? { fulfilments } : {}),
    ...(refunds ? { refunds } : {}),
  };
  if (typeof b.name === 'string') order.name = b.name;
  if (typeof b.updated_at === 'string') order.updatedAt = b.updated_at;
  return order;
}
