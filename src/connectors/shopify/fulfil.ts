/**
 * Shipping units of an order on Shopify, the way Shopify documents it: read the order's fulfilment orders, then
 * `fulfillmentCreate` with `lineItemsByFulfillmentOrder` (fulfilment order line items and quantities), `trackingInfo
 * { company number url }` and `notifyCustomer`. One call ships from one location (Shopify requires the fulfilment
 * orders of one fulfilment to share their assigned location), so units assigned to several locations become one
 * fulfilment per location, each with the tracking given.
 * Several packages are several calls; a partial shipment names its lines. `fulfillmentCreate` takes no idempotency
 * key, so a package is recognised by its tracking number: when the order already has a successful fulfilment with
 * that number, nothing new is made and that fulfilment is returned (`created: false`). Without a tracking number a
 * retry is bounded by what remains to ship: asking for more than remains is refused before anything is sent.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { FulfilRequest, FulfilResult, OrderLineRef, RemoteFulfilment } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import { FULFILLMENT_CREATE, FULFILLMENT_CREATE_COST, ORDER_FULFILMENT_ORDERS, ORDER_FULFILMENT_ORDERS_COST } from './documents.ts';
import { fulfilmentFromNode, orderGid, readOrder, type FulfilmentNode } from './order-state.ts';

export interface FulfilmentOrdersData {
  order: {
    id: string;
    cancelledAt: string | null;
    lineItems: { nodes: { id: string; sku: string | null; quantity: number; currentQuantity: number; unfulfilledQuantity: number }[] };
    fulfillmentOrders: {
      nodes: {
        id: string;
        status: string;
        assignedLocation: { location: { id: string } | null };
        lineItems: { nodes: { id: string; remainingQuantity: number; lineItem: { id: string } }[] };
      }[];
    };
    fulfillments: { id: string; status: string; trackingInfo: { company: string | null; number: string | null; url: string | null }[] }[];
    refunds: { id: string; note: string | null }[];
  } | null;
}

export type OrderForWork = NonNullable<FulfilmentOrdersData['order']>;
export type LineNode = OrderForWork['lineItems']['nodes'][number];

export async function loadOrderForWork(client: ShopifyClient, platformOrderId: string): Promise<OrderForWork> {
  const res = await client.call<FulfilmentOrdersData>(ORDER_FULFILMENT_ORDERS, { id: orderGid(platformOrderId) }, ORDER_FULFILMENT_ORDERS_COST, 'wait');
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the order read');
  const denied = res.errors.find((e) => e.extensions?.code === 'ACCESS_DENIED');
  if (denied) throw new DropsyncError('unauthorized', `the store did not grant the fulfilment order scopes: ${denied.message}`, 'scope');
  if (!res.data.order) throw new DropsyncError('not_found', `order ${platformOrderId} not found on Shopify`, 'platformOrderId');
  return res.data.order;
}

/** Resolves line references (by line id, or by SKU across the order's lines) to line items and quantities. */
export function resolveLines(order: OrderForWork, refs: OrderLineRef[], room: (l: LineNode) => number, field = 'lines'): { line: LineNode; quantity: number }[] {
  const out: { line: LineNode; quantity: number }[] = [];
  const used = new Map<string, number>();
  const left = (l: LineNode) => room(l) - (used.get(l.id) ?? 0);
  refs.forEach((ref, i) => {
    if (!Number.isInteger(ref.quantity) || ref.quantity <= 0) throw new DropsyncError('invalid', 'must be a positive integer', `${field}[${i}].quantity`);
    const candidates = ref.lineId
      ? order.lineItems.nodes.filter((l) => l.id === ref.lineId)
      : order.lineItems.nodes.filter((l) => ref.sku !== undefined && l.sku === ref.sku);
    if (candidates.length === 0) throw new DropsyncError('not_found', `the order has no line ${ref.lineId ?? ref.sku ?? '(neither lineId nor sku given)'}`, `${field}[${i}]`);
    const have = candidates.reduce((n, l) => n + Math.max(0, left(l)), 0);
    let want = ref.quantity;
    for (const line of candidates) {
      const take = Math.min(want, left(line));
      if (take <= 0) continue;
      out.push({ line, quantity: take });
      used.set(line.id, (used.get(line.id) ?? 0) + take);
      want -= take;
      if (want === 0) break;
    }
    if (want > 0) {
      throw new DropsyncError('conflict', `only ${have} of ${ref.lineId ?? ref.sku} can be taken, ${ref.quantity} asked`, `${field}[${i}].quantity`);
    }
  });
  return out;
}

type CreateData = { fulfillmentCreate: { fulfillment: FulfilmentNode | null; userErrors: { field: string[] | null; message: string }[] } | null };

export async function fulfilOrder(client: ShopifyClient, platformOrderId: string, req: FulfilRequest): Promise<FulfilResult> {
  const order = await loadOrderForWork(client, platformOrderId);
  if (order.cancelledAt) throw new DropsyncError('conflict', `order ${platformOrderId} is cancelled`, 'platformOrderId');
  const number = req.trackingNumber?.trim() || null;
  if (number) {
    const existing = order.fulfillments.find((f) => f.status === 'SUCCESS' && f.trackingInfo.some((t) => t.number === number));
    if (existing) {
      const full = (await readOrder(client, order.id))?.fulfilments?.find((f) => f.id === existing.id);
      return { created: false, fulfilments: full ? [full] : [], detail: `a fulfilment with tracking number ${number} already exists (${existing.id}); nothing new was made` };
    }
  }
  const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
  const remaining = (lineId: string) => open.reduce((n, fo) => n + fo.lineItems.nodes.filter((x) => x.lineItem.id === lineId).reduce((m, x) => m + x.remainingQuantity, 0), 0);
  const wanted = req.lines && req.lines.length > 0
    ? resolveLines(order, req.lines, (l) => remaining(l.id))
    : order.lineItems.nodes.filter((l) => remaining(l.id) > 0).map((line) => ({ line, quantity: remaining(line.id) }));
  if (wanted.length === 0) throw new DropsyncError('conflict', `order ${platformOrderId} has nothing left to ship`, 'lines');

  // Take each line's units from its fulfilment order line items, grouped by the fulfilment order's location.
  const byLocation = new Map<string, Map<string, { id: string; quantity: number }[]>>();
  for (const { line, quantity } of wanted) {
    let need = quantity;
    for (const fo of open) {
      for (const item of fo.lineItems.nodes) {
        if (need === 0 || item.lineItem.id !== line.id || item.remainingQuantity <= 0) continue;
        const take = Math.min(need, item.remainingQuantity);
        item.remainingQuantity -= take;
        need -= take;
        const loc = fo.assignedLocation.location?.id ?? 'unknown';
        const group = byLocation.get(loc) ?? new Map<string, { id: string; quantity: number }[]>();
        byLocation.set(loc, group);
        const list = group.get(fo.id) ?? [];
        group.set(fo.id, list);
        list.push({ id: item.id, quantity: take });
      }
    }
  }
  const trackingInfo: Record<string, string> = {};
  if (req.carrier?.trim()) trackingInfo.company = req.carrier.trim();
  if (number) trackingInfo.number = number;
  if (req.trackingUrl?.trim()) trackingInfo.url = req.trackingUrl.trim();
  const made: RemoteFulfilment[] = [];
  const problems: string[] = [];
  for (const [, group] of byLocation) {
    const res = await client.call<CreateData>(
      FULFILLMENT_CREATE,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder: [...group].map(([fulfillmentOrderId, items]) => ({ fulfillmentOrderId, fulfillmentOrderLineItems: items })),
          ...(Object.keys(trackingInfo).length ? { trackingInfo } : {}),
          notifyCustomer: req.notify !== false,
        },
      },
      FULFILLMENT_CREATE_COST,
      'wait',
    );
    if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling fulfillmentCreate');
    const payload = res.data.fulfillmentCreate;
    if (payload?.fulfillment) made.push(fulfilmentFromNode(payload.fulfillment));
    else problems.push(payload?.userErrors.map((e) => e.message).join('; ') || res.errors.map((e) => e.message).join('; ') || 'no payload');
  }
  if (made.length === 0) throw new DropsyncError('conflict', `Shopify refused the fulfilment: ${problems.join('; ')}`, 'lines');
  const units = made.reduce((n, f) => n + f.lines.reduce((m, l) => m + l.quantity, 0), 0);
  return {
    created: true,
    fulfilments: made,
    detail: `${units} unit(s) shipped in ${made.length} fulfilment(s)${number ? ` with tracking ${number}` : ''}${req.notify === false ? '' : ', customer notified'}${problems.length ? `; refused: ${problems.join('; ')}` : ''}`,
  };
}
