/** An order line's quantities as Shopify reports them, from the emulator's counters (shared by GraphQL views and REST bodies). */
import type { OrderLineRec, OrderRec } from './types.ts';

/** Units of a line not yet shipped and not removed. */
export const unfulfilledOf = (l: OrderLineRec) => Math.max(0, l.quantity - l.fulfilled - l.removed);
/** Ordered units not refunded or removed. */
export const currentOf = (l: OrderLineRec) => Math.max(0, l.quantity - l.removed - l.returned);

/** REST `fulfillment_status` of an order: null (nothing shipped), partial, fulfilled, restocked (everything removed). */
export function orderFulfillmentStatus(order: OrderRec): 'fulfilled' | 'partial' | 'restocked' | null {
  const shipped = order.lines.reduce((n, l) => n + l.fulfilled, 0);
  const open = order.lines.reduce((n, l) => n + unfulfilledOf(l), 0);
  if (shipped === 0) return open === 0 && order.lines.some((l) => l.removed > 0) ? 'restocked' : null;
  return open === 0 ? 'fulfilled' : 'partial';
}
