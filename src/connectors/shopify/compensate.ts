/**
 * Compensation for an order that lost the race for the last units (action `cancel`): orderCancel with reason
 * INVENTORY, restock, a refund to the original payment methods and the customer notified, then a single-use
 * apology discount code that only that customer can use (discount `context: {customers: {add: [id]}}`). The code
 * is derived from the conflict id, so a retried compensation finds its code taken and reports it instead of making
 * a second one; an order already cancelled counts as cancelled.
 * An order with no customer (a guest checkout, or customer data redacted for an app without protected customer
 * data access) gets no code: a code open to every buyer would be a code anyone can use. The detail says so.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/types.ts';
import type { CompensationResult, ConflictInfo } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import {
  DISCOUNT_CREATE,
  DISCOUNT_CREATE_COST,
  ORDER_CANCEL,
  ORDER_CANCEL_COST,
  ORDER_CUSTOMER,
  ORDER_CUSTOMER_COST,
} from './documents.ts';

type UserErrors = { code: string | null; field: string[] | null; message: string }[];

export function apologyCode(conflictId: string): string {
  return `SORRY-${createHash('sha256').update(conflictId).digest('hex').slice(0, 10).toUpperCase()}`;
}

export async function compensate(client: ShopifyClient, clock: Clock, conflict: ConflictInfo): Promise<CompensationResult> {
  if (conflict.action !== 'cancel') {
    return { cancelled: false, detail: `action ${conflict.action}: nothing done on the Shopify store` };
  }
  const orderId = conflict.platformOrderId.startsWith('gid://') ? conflict.platformOrderId : `gid://shopify/Order/${conflict.platformOrderId}`;
  const label = conflict.orderName ?? orderId;
  const lookup = await client.call<{ order: { id: string; email: string | null; cancelledAt: string | null; customer: { id: string } | null } | null }>(
    ORDER_CUSTOMER,
    { id: orderId },
    ORDER_CUSTOMER_COST,
    'wait',
  );
  if (lookup.kind === 'throttled') return { cancelled: false, detail: `Shopify throttled; retry in ${lookup.retryAfterMs} ms` };
  const order = lookup.data.order;
  if (!order) return { cancelled: false, detail: `order ${label} not found on Shopify` };

  const notes: string[] = [];
  let cancelled = order.cancelledAt !== null;
  if (cancelled) notes.push(`order ${label} was already cancelled`);
  else {
    const short = conflict.lines.map((l) => `${l.sku} short by ${l.shortBy}`).join(', ');
    const res = await client.call<{ orderCancel: { job: { id: string } | null; orderCancelUserErrors: UserErrors } | null }>(
      ORDER_CANCEL,
      {
        orderId,
        reason: 'INVENTORY',
        restock: true,
        refundMethod: { originalPaymentMethodsRefund: true },
        notifyCustomer: true,
        staffNote: `dropsync conflict ${conflict.conflictId}: ${short}. ${conflict.apologyNote}`.slice(0, 255),
      },
      ORDER_CANCEL_COST,
      'wait',
    );
    if (res.kind === 'throttled') return { cancelled: false, detail: `Shopify throttled; retry in ${res.retryAfterMs} ms` };
    const errs = res.data.orderCancel?.orderCancelUserErrors ?? [{ code: null, field: null, message: 'no payload' }];
    if (errs.length === 0) {
      cancelled = true;
      notes.push(`order ${label} cancelled (reason INVENTORY, restocked, refunded, customer notified)`);
    } else if (errs.every((e) => /already been cancel/i.test(e.message))) {
      cancelled = true; // our own earlier attempt got through
      notes.push(`order ${label} was already cancelled`);
    } else {
      notes.push(`orderCancel failed: ${errs.map((e) => `${e.code ?? ''} ${e.message}`.trim()).join('; ')}`);
    }
  }
  if (!cancelled) return { cancelled: false, detail: notes.join('; ') };

  const code = apologyCode(conflict.conflictId);
  const customerId = order.customer?.id;
  if (!customerId) {
    notes.push(
      `no apology code made: the order has no customer${order.email ? '' : ' and no email'} (a guest checkout, or customer data this app may not read); a code open to all buyers would be usable by anyone`,
    );
    return { cancelled, detail: notes.join('; ') };
  }
  const res = await client.call<{ discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: UserErrors } | null }>(
    DISCOUNT_CREATE,
    {
      input: {
        title: `Apology for order ${label}`,
        code,
        startsAt: new Date(clock.now()).toISOString(),
        usageLimit: 1,
        appliesOncePerCustomer: true,
        context: { customers: { add: [customerId] } },
        customerGets: {
          value: { discountAmount: { amount: conflict.discountValue.toFixed(2), appliesOnEachItem: false } },
          items: { all: true },
        },
      },
    },
    DISCOUNT_CREATE_COST,
    'wait',
  );
  if (res.kind === 'throttled') return { cancelled, detail: `${notes.join('; ')}; discount not created (throttled)` };
  const errors = res.data.discountCodeBasicCreate?.userErrors ?? [];
  if (errors.length === 0 || errors.every((e) => e.code === 'TAKEN')) {
    notes.push(`single-use discount ${code} (${conflict.discountValue.toFixed(2)}) for ${customerId}${errors.length ? ', created earlier' : ''}`);
    return { cancelled, code, detail: notes.join('; ') };
  }
  notes.push(`discount failed: ${errors.map((e) => e.message).join('; ')}`);
  return { cancelled, detail: notes.join('; ') };
}
