/**
 * Compensation for an order that lost the race for the last units: cancel it (tagged so the echo webhook is
 * recognised), create a single-use coupon for that customer, and leave a customer note that names it.
 * The coupon code derives from the conflict id, so running this twice never makes two coupons.
 */
import { createHash } from 'node:crypto';
import type { CompensationResult, ConflictInfo } from '../types.ts';
import { WooHttpError, type WooClient } from './client.ts';
import type { WooOrderJson } from './orders.ts';
import { DROPSYNC_CANCEL_META } from './types.ts';

export function couponCodeFor(conflictId: string): string {
  return `sorry-${createHash('sha256').update(conflictId).digest('hex').slice(0, 10)}`;
}

export async function compensate(client: WooClient, conflict: ConflictInfo): Promise<CompensationResult> {
  if (conflict.action !== 'cancel') {
    return { cancelled: false, detail: `action ${conflict.action}: order ${conflict.platformOrderId} left as it is on the store` };
  }
  const orderPath = `orders/${encodeURIComponent(conflict.platformOrderId)}`;
  let email = conflict.email ?? null;
  if (!email) {
    const order = await client.get<WooOrderJson>(orderPath);
    email = order.body.billing?.email || null;
  }
  await client.put(orderPath, { status: 'cancelled', meta_data: [{ key: DROPSYNC_CANCEL_META, value: conflict.conflictId }] });

  let code: string | undefined;
  let couponDetail = 'no coupon (value 0)';
  if (conflict.discountValue > 0) {
    const wanted = couponCodeFor(conflict.conflictId);
    try {
      const res = await client.post<{ code: string }>('coupons', {
        code: wanted,
        discount_type: 'fixed_cart',
        amount: conflict.discountValue.toFixed(2),
        usage_limit: 1,
        usage_limit_per_user: 1,
        ...(email ? { email_restrictions: [email] } : {}),
        description: `dropsync apology for order ${conflict.orderName ?? conflict.platformOrderId} (conflict ${conflict.conflictId})`,
      });
      code = res.body.code;
    } catch (err) {
      // A retry after a partial run: the coupon is already there.
      if (!(err instanceof WooHttpError && err.code === 'woocommerce_rest_coupon_code_already_exists')) throw err;
      code = wanted;
    }
    couponDetail = `single-use coupon ${code} worth ${conflict.discountValue.toFixed(2)}${email ? ` for ${email}` : ' (no email on the order: not restricted)'}`;
  }
  const note = code ? `${conflict.apologyNote}\n\nYour coupon code: ${code}` : conflict.apologyNote;
  await client.post(`${orderPath}/notes`, { note, customer_note: true });
  return {
    cancelled: true,
    ...(code ? { code } : {}),
    detail: `order ${conflict.orderName ?? conflict.platformOrderId} cancelled, customer note added, ${couponDetail}`,
  };
}
