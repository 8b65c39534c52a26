/**
 * Refunding some units of some lines, as Shopify documents it: build the refund line items (unshipped units with
 * restock type CANCEL, shipped ones RETURN, or NO_RESTOCK; `locationId` the line's fulfilment order location),
 * ask `order.suggestedRefund(refundLineItems:, refundMethodAllocation: ORIGINAL_PAYMENT_METHODS)` what to refund
 * and against which payment, then `refundCreate` with those suggested transactions (kind REFUND, parentId, gateway,
 * amount) and the `@idempotent` key Shopify requires since 2026-04. A short line is thus removed and refunded
 * while the rest of the order stands.
 * Retries: the key is derived from the caller's idempotency key, so a retry whose answer was lost replays the
 * first result; and the key is written into the refund's note, so a retry after the order changed (the first
 * refund went through) finds that refund instead of making a second one.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { OrderLineRef, RefundLinesOptions, RefundLinesResult } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import { REFUND_CREATE, REFUND_CREATE_COST, SUGGESTED_REFUND, SUGGESTED_REFUND_COST } from './documents.ts';
import { loadOrderForWork, resolveLines } from './fulfil.ts';
import { readOrder, refundFromNode, type RefundNode } from './order-state.ts';
import { idempotencyKey } from './push.ts';

/** The marker a refund's note carries, naming the idempotency key it was made under. */
export const refundMarker = (key: string) => `[dropsync ${key}]`;

type SuggestData = {
  order: {
    suggestedRefund: {
      amountSet: { shopMoney: { amount: string; currencyCode: string } };
      suggestedTransactions: { gateway: string | null; kind: string; amountSet: { shopMoney: { amount: string; currencyCode: string } }; parentTransaction: { id: string } | null }[];
    } | null;
  } | null;
};
type CreateData = {
  refundCreate: {
    refund: (RefundNode & { totalRefundedSet: { shopMoney: { amount: string; currencyCode: string } } }) | null;
    userErrors: { field: string[] | null; message: string }[];
  } | null;
};

export async function refundLines(client: ShopifyClient, platformOrderId: string, lines: OrderLineRef[], opts: RefundLinesOptions): Promise<RefundLinesResult> {
  if (!opts.idempotencyKey) throw new DropsyncError('invalid', 'required', 'idempotencyKey');
  if (lines.length === 0) throw new DropsyncError('invalid', 'at least one line', 'lines');
  const order = await loadOrderForWork(client, platformOrderId);
  const marker = refundMarker(opts.idempotencyKey);
  const earlier = order.refunds.find((r) => r.note?.includes(marker));
  if (earlier) {
    const full = (await readOrder(client, order.id))?.refunds?.find((r) => r.id === earlier.id);
    if (full) return { refund: full, amount: full.amount ?? '0.00', currency: full.currency ?? '', detail: `refund ${earlier.id} was made earlier under this key; nothing new was made` };
  }
  const resolved = resolveLines(order, lines, (l) => l.currentQuantity);
  const locationOf = (lineId: string) =>
    order.fulfillmentOrders.nodes.find((fo) => fo.lineItems.nodes.some((x) => x.lineItem.id === lineId))?.assignedLocation.location?.id ?? null;
  const unshippedLeft = new Map(order.lineItems.nodes.map((l) => [l.id, l.unfulfilledQuantity]));
  const refundLineItems: { lineItemId: string; quantity: number; restockType: string; locationId?: string }[] = [];
  for (const { line, quantity } of resolved) {
    if (!opts.restock) {
      refundLineItems.push({ lineItemId: line.id, quantity, restockType: 'NO_RESTOCK' });
      continue;
    }
    const location = locationOf(line.id);
    const unshipped = Math.min(quantity, unshippedLeft.get(line.id) ?? 0);
    unshippedLeft.set(line.id, (unshippedLeft.get(line.id) ?? 0) - unshipped);
    if (unshipped > 0) refundLineItems.push({ lineItemId: line.id, quantity: unshipped, restockType: 'CANCEL', ...(location ? { locationId: location } : {}) });
    if (quantity > unshipped) refundLineItems.push({ lineItemId: line.id, quantity: quantity - unshipped, restockType: 'RETURN', ...(location ? { locationId: location } : {}) });
  }
  const suggested = await client.call<SuggestData>(SUGGESTED_REFUND, { id: order.id, lines: refundLineItems }, SUGGESTED_REFUND_COST, 'wait');
  if (suggested.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the refund calculation');
  const suggestion = suggested.data.order?.suggestedRefund;
  if (!suggestion) throw new DropsyncError('upstream', `Shopify gave no suggested refund: ${suggested.errors.map((e) => e.message).join('; ') || 'no data'}`);
  const transactions = suggestion.suggestedTransactions
    .filter((t) => t.parentTransaction && t.gateway && Number(t.amountSet.shopMoney.amount) > 0)
    .map((t) => ({ orderId: order.id, parentId: t.parentTransaction!.id, gateway: t.gateway!, kind: 'REFUND', amount: t.amountSet.shopMoney.amount }));
  const note = [opts.reason, opts.note, marker].filter(Boolean).join(' — ');
  const res = await client.call<CreateData>(
    REFUND_CREATE,
    {
      key: idempotencyKey(`refund|${order.id}`, opts.idempotencyKey),
      input: { orderId: order.id, note, notify: opts.notify !== false, refundLineItems, transactions },
    },
    REFUND_CREATE_COST,
    'wait',
  );
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling refundCreate');
  const payload = res.data.refundCreate;
  if (!payload?.refund) {
    const why = payload?.userErrors.map((e) => e.message).join('; ') || res.errors.map((e) => e.message).join('; ') || 'no payload';
    throw new DropsyncError('conflict', `Shopify refused the refund: ${why}`, 'lines');
  }
  const refund = refundFromNode(payload.refund);
  const money = payload.refund.totalRefundedSet.shopMoney;
  const units = refundLineItems.reduce((n, l) => n + l.quantity, 0);
  return {
    refund,
    amount: money.amount,
    currency: money.currencyCode,
    detail: `${units} unit(s) refunded (${money.amount} ${money.currencyCode})${opts.restock ? ', restocked' : ', not restocked'}${opts.notify === false ? '' : ', customer notified'}`,
  };
}
