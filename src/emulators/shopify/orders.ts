/**
 * An order's life after checkout, as the emulator models it from Shopify's documents:
 * - fulfilment orders: one per order at the order's location, made with the order; its line items' remaining
 *   quantities drop as units are fulfilled or removed; OPEN -> IN_PROGRESS (partly fulfilled) -> CLOSED.
 * - `fulfil`: one fulfilment (a package) from fulfilment orders at one location, with tracking (company, numbers,
 *   urls) and `notifyCustomer` (a shipping confirmation recorded in `notifications`). Units leave `committed`
 *   (and on_hand); `available` does not move. Webhooks: fulfillments/create, orders/updated, then
 *   orders/fulfilled or orders/partially_fulfilled.
 * - `updateTracking`: new tracking on a fulfilment; fulfillments/update (and a shipping update when notifying).
 * - `refund`: refund line items with restock types `cancel` (unshipped units, removed and put back into
 *   `available`), `return` (shipped units put back into `available`), `no_restock`; transactions against the
 *   order's sale. Webhooks: refunds/create, orders/updated, and inventory_levels/update for each restock.
 * - `createOrder`: `orderCreate` (variant lines or custom lines, tags, sourceIdentifier, addresses, shipping
 *   lines), with `inventoryBehaviour` BYPASS (default, as the schema's default value), DECREMENT_IGNORING_POLICY
 *   or DECREMENT_OBEYING_POLICY. Webhooks: orders/create and the level updates.
 * Emulator choices where Shopify documents nothing: a refund of unshipped units with `no_restock` releases them
 * from `committed` without putting them back into `available`; restocking happens at the line's fulfilment
 * order location unless the refund names another one.
 */
import { DropsyncError } from '../../domain/errors.ts';
import { currentOf, orderFulfillmentStatus, unfulfilledOf } from './lines.ts';
import { fulfillmentPayload, refundPayload } from './payloads.ts';
import { fromCents, toCents, type ShopState } from './state.ts';
import type { FulfillmentOrderRec, FulfillmentRec, MailingAddressRec, OrderLineRec, OrderRec, RefundRec, TransactionRec } from './types.ts';

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

const fail = <T>(field: string[] | null, message: string, code?: string): Outcome<T> => ({ ok: false, errors: [{ field, message, ...(code ? { code } : {}) }] });

export { currentOf, orderFulfillmentStatus, unfulfilledOf };

/** REST financial status after refunds. */
function financialStatusAfter(s: ShopState, order: OrderRec): string {
  const paid = s.transactions.filter((t) => t.orderId === order.id && t.kind === 'sale').reduce((n, t) => n + toCents(t.amount), 0);
  const back = s.transactions.filter((t) => t.orderId === order.id && t.kind === 'refund').reduce((n, t) => n + toCents(t.amount), 0);
  if (back <= 0) return order.financialStatus;
  return back >= paid ? 'refunded' : 'partially_refunded';
}

function touch(s: ShopState, order: OrderRec): number {
  const now = s.clock.now();
  order.updatedAt = now;
  return now;
}

export interface FulfilInput {
  /** Pairs of fulfilment order and (optionally) its line items with quantities; no line items: all remaining. */
  lineItemsByFulfillmentOrder: { fulfillmentOrderId: number; lines?: { id: number; quantity: number }[] | null }[];
  tracking?: { company?: string | null; number?: string | null; numbers?: string[] | null; url?: string | null; urls?: string[] | null } | null;
  notifyCustomer?: boolean;
}

export function fulfil(s: ShopState, input: FulfilInput): Outcome<FulfillmentRec> {
  if (input.lineItemsByFulfillmentOrder.length === 0) return fail(['fulfillment', 'lineItemsByFulfillmentOrder'], 'No fulfillment orders were given.');
  const fos: { fo: FulfillmentOrderRec; lines: { id: number; quantity: number }[] }[] = [];
  for (const [i, pair] of input.lineItemsByFulfillmentOrder.entries()) {
    const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(i)];
    const fo = s.fulfillmentOrders.find((f) => f.id === pair.fulfillmentOrderId);
    if (!fo) return fail([...field, 'fulfillmentOrderId'], 'Fulfillment order does not exist.');
    if (fo.status !== 'OPEN' && fo.status !== 'IN_PROGRESS') {
      return fail([...field, 'fulfillmentOrderId'], `Fulfillment order ${fo.id} has an unfulfillable status= ${fo.status.toLowerCase()}.`);
    }
    const lines = pair.lines && pair.lines.length > 0 ? pair.lines : fo.lines.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: l.id, quantity: l.remainingQuantity }));
    for (const [j, want] of lines.entries()) {
      const line = fo.lines.find((l) => l.id === want.id);
      if (!line) return fail([...field, 'fulfillmentOrderLineItems', String(j), 'id'], 'Fulfillment order line item does not exist.');
      if (!Number.isInteger(want.quantity) || want.quantity <= 0) return fail([...field, 'fulfillmentOrderLineItems', String(j), 'quantity'], 'Quantity must be greater than 0.');
      if (want.quantity > line.remainingQuantity) {
        return fail([...field, 'fulfillmentOrderLineItems', String(j), 'quantity'], `Invalid fulfillment order line item quantity requested: ${want.quantity} is more than the ${line.remainingQuantity} remaining.`);
      }
    }
    fos.push({ fo, lines });
  }
  const orderIds = new Set(fos.map((f) => f.fo.orderId));
  const locationIds = new Set(fos.map((f) => f.fo.locationId));
  if (orderIds.size > 1) return fail(['fulfillment'], 'All fulfillment orders must belong to the same order.');
  if (locationIds.size > 1) return fail(['fulfillment'], 'All fulfillment orders must be assigned to the same location.');
  if (fos.every((f) => f.lines.length === 0)) return fail(['fulfillment'], 'Nothing remains to be fulfilled.');
  const order = s.order(fos[0]!.fo.orderId)!;
  if (order.cancelledAt !== null) return fail(['fulfillment'], 'The order has been cancelled.');
  const now = touch(s, order);
  const shipped: { lineItemId: number; quantity: number }[] = [];
  for (const { fo, lines } of fos) {
    for (const want of lines) {
      const foLine = fo.lines.find((l) => l.id === want.id)!;
      foLine.remainingQuantity -= want.quantity;
      const line = order.lines.find((l) => l.id === foLine.lineItemId)!;
      line.fulfilled += want.quantity;
      const prev = shipped.find((x) => x.lineItemId === line.id);
      if (prev) prev.quantity += want.quantity;
      else shipped.push({ lineItemId: line.id, quantity: want.quantity });
      const lvl = line.itemId === null ? undefined : s.level(line.itemId, fo.locationId);
      if (lvl) lvl.committed = Math.max(0, lvl.committed - want.quantity);
    }
    fo.status = fo.lines.every((l) => l.remainingQuantity === 0) ? 'CLOSED' : 'IN_PROGRESS';
    fo.updatedAt = now;
  }
  const t = input.tracking ?? {};
  const numbers = t.numbers && t.numbers.length ? [...t.numbers] : t.number ? [t.number] : [];
  const urls = t.urls && t.urls.length ? [...t.urls] : t.url ? [t.url] : [];
  const rec: FulfillmentRec = {
    id: s.id(),
    orderId: order.id,
    name: `${order.name}.${s.fulfillments.filter((f) => f.orderId === order.id).length + 1}`,
    locationId: fos[0]!.fo.locationId,
    status: 'success',
    trackingCompany: t.company ?? null,
    trackingNumbers: numbers,
    trackingUrls: urls,
    lines: shipped,
    fulfillmentOrderIds: fos.map((f) => f.fo.id),
    notifyCustomer: input.notifyCustomer === true,
    createdAt: now,
    updatedAt: now,
  };
  s.fulfillments.push(rec);
  if (rec.notifyCustomer) {
    s.notifications.push({ at: now, orderId: order.id, email: order.email, kind: 'shipping_confirmation', fulfillmentId: rec.id, tracking: { company: rec.trackingCompany, numbers, urls } });
  }
  s.emit('fulfillments/create', fulfillmentPayload(s, rec));
  const status = orderFulfillmentStatus(order);
  s.emitOrder(order, ['orders/updated', status === 'fulfilled' ? 'orders/fulfilled' : 'orders/partially_fulfilled']);
  return { ok: true, value: rec };
}

export function updateTracking(s: ShopState, fulfillmentId: number, tracking: FulfilInput['tracking'], notify: boolean): Outcome<FulfillmentRec> {
  const rec = s.fulfillments.find((f) => f.id === fulfillmentId);
  if (!rec) return fail(['fulfillmentId'], 'Fulfillment does not exist.');
  const t = tracking ?? {};
  rec.trackingCompany = t.company ?? rec.trackingCompany;
  rec.trackingNumbers = t.numbers && t.numbers.length ? [...t.numbers] : t.number ? [t.number] : rec.trackingNumbers;
  rec.trackingUrls = t.urls && t.urls.length ? [...t.urls] : t.url ? [t.url] : rec.trackingUrls;
  rec.updatedAt = s.clock.now();
  const order = s.order(rec.orderId)!;
  touch(s, order);
  if (notify) {
    s.notifications.push({ at: rec.updatedAt, orderId: order.id, email: order.email, kind: 'shipping_update', fulfillmentId: rec.id, tracking: { company: rec.trackingCompany, numbers: rec.trackingNumbers, urls: rec.trackingUrls } });
  }
  s.emit('fulfillments/update', fulfillmentPayload(s, rec));
  return { ok: true, value: rec };
}

export interface RefundLineInput {
  lineItemId: number;
  quantity: number;
  /** GraphQL spelling: CANCEL, RETURN, NO_RESTOCK (LEGACY_RESTOCK is refused for new refunds). */
  restockType?: string | null;
  locationId?: number | null;
}

export interface RefundInputRec {
  orderId: number;
  lines: RefundLineInput[];
  note?: string | null;
  notify?: boolean;
  transactions?: { parentId: number | null; amount: string; kind: string; gateway: string }[];
}

/** What a refund of these lines would return: the lines' price x quantity, against the order's sale. */
export function suggestRefund(s: ShopState, order: OrderRec, lines: RefundLineInput[]): { amountCents: number; parent: TransactionRec | undefined } {
  const amountCents = lines.reduce((n, r) => {
    const line = order.lines.find((l) => l.id === r.lineItemId);
    return n + (line ? toCents(line.price) * Math.max(0, Math.min(r.quantity, currentOf(line))) : 0);
  }, 0);
  const parent = s.transactions.find((t) => t.orderId === order.id && t.kind === 'sale');
  return { amountCents: Math.min(amountCents, parent ? refundableCents(s, parent) : 0), parent };
}

export function refundableCents(s: ShopState, sale: TransactionRec): number {
  const back = s.transactions.filter((t) => t.parentId === sale.id && t.kind === 'refund').reduce((n, t) => n + toCents(t.amount), 0);
  return toCents(sale.amount) - back;
}

export function refund(s: ShopState, input: RefundInputRec): Outcome<RefundRec> {
  const order = s.order(input.orderId);
  if (!order) return fail(['orderId'], 'Order does not exist.');
  const planned: { line: OrderLineRec; quantity: number; type: 'cancel' | 'return' | 'no_restock'; locationId: number | null }[] = [];
  for (const [i, r] of input.lines.entries()) {
    const field = ['refundLineItems', String(i)];
    const line = order.lines.find((l) => l.id === r.lineItemId);
    if (!line) return fail([...field, 'lineItemId'], 'Line item does not exist on this order.');
    if (!Number.isInteger(r.quantity) || r.quantity <= 0) return fail([...field, 'quantity'], 'Quantity must be greater than 0.');
    const already = planned.filter((p) => p.line === line).reduce((n, p) => n + p.quantity, 0);
    const type = (r.restockType ?? 'NO_RESTOCK').toUpperCase();
    if (type === 'LEGACY_RESTOCK') return fail([...field, 'restockType'], 'Restock type legacy_restock is not accepted when creating new refunds.');
    if (type !== 'CANCEL' && type !== 'RETURN' && type !== 'NO_RESTOCK') return fail([...field, 'restockType'], `Unknown restock type ${type}.`);
    const unshipped = unfulfilledOf(line) - planned.filter((p) => p.line === line && p.type !== 'return').reduce((n, p) => n + p.quantity, 0);
    const shippedLeft = line.fulfilled - line.returned - planned.filter((p) => p.line === line && p.type === 'return').reduce((n, p) => n + p.quantity, 0);
    if (r.quantity + already > currentOf(line)) return fail([...field, 'quantity'], `Quantity cannot refund more items than were purchased (${currentOf(line) - already} refundable).`);
    if (type === 'CANCEL' && r.quantity > unshipped) return fail([...field, 'quantity'], `Cannot cancel ${r.quantity}: only ${Math.max(0, unshipped)} unfulfilled.`);
    if (type === 'RETURN' && r.quantity > shippedLeft) return fail([...field, 'quantity'], `Cannot return ${r.quantity}: only ${Math.max(0, shippedLeft)} fulfilled.`);
    const fo = s.fulfillmentOrders.find((f) => f.orderId === order.id && f.lines.some((l) => l.lineItemId === line.id));
    const locationId = type === 'NO_RESTOCK' ? null : (r.locationId ?? fo?.locationId ?? order.locationId);
    if (locationId !== null && !s.location(locationId)) return fail([...field, 'locationId'], 'Location does not exist.');
    if (type === 'NO_RESTOCK' && r.quantity > unshipped) {
      // Unshipped units first, then shipped ones.
      const first = Math.max(0, unshipped);
      if (first > 0) planned.push({ line, quantity: first, type: 'no_restock', locationId: null });
      planned.push({ line, quantity: r.quantity - first, type: 'return', locationId: null });
      continue;
    }
    planned.push({ line, quantity: r.quantity, type: type === 'CANCEL' ? 'cancel' : type === 'RETURN' ? 'return' : 'no_restock', locationId });
  }
  // Transactions: each a REFUND against one of the order's sales, within what that sale still has.
  const txs: TransactionRec[] = [];
  for (const [i, t] of (input.transactions ?? []).entries()) {
    const field = ['transactions', String(i)];
    if (t.kind.toUpperCase() !== 'REFUND') return fail([...field, 'kind'], 'Transaction kind must be refund.');
    const parent = s.transactions.find((x) => x.id === t.parentId && x.orderId === order.id && x.kind === 'sale');
    if (!parent) return fail([...field, 'parentId'], 'Parent transaction does not exist on this order.');
    if (t.gateway !== parent.gateway) return fail([...field, 'gateway'], `Gateway must match the parent transaction's (${parent.gateway}).`);
    const cents = toCents(t.amount);
    if (!Number.isFinite(cents) || cents <= 0) return fail([...field, 'amount'], 'Amount must be greater than 0.');
    if (cents > refundableCents(s, parent)) return fail([...field, 'amount'], `Amount exceeds the refundable amount (${fromCents(refundableCents(s, parent))}).`);
    txs.push({ id: 0, orderId: order.id, kind: 'refund', gateway: parent.gateway, amount: fromCents(cents), parentId: parent.id, status: 'success', createdAt: 0 });
  }
  if (planned.length === 0 && txs.length === 0) return fail(['refundLineItems'], 'A refund needs line items or transactions.');
  const now = touch(s, order);
  const rec: RefundRec = { id: s.id(), orderId: order.id, note: input.note ?? null, createdAt: now, lines: [], transactions: [], notify: input.notify === true };
  const restocks: { itemId: number; locationId: number; quantity: number }[] = [];
  for (const p of planned) {
    const { line } = p;
    if (p.type === 'return') line.returned += p.quantity;
    else {
      line.removed += p.quantity;
      // Removed units leave the fulfilment order and `committed`.
      let left = p.quantity;
      for (const fo of s.fulfillmentOrders.filter((f) => f.orderId === order.id)) {
        const foLine = fo.lines.find((l) => l.lineItemId === line.id);
        if (!foLine || left === 0) continue;
        const take = Math.min(left, foLine.remainingQuantity);
        foLine.remainingQuantity -= take;
        left -= take;
        const lvl = line.itemId === null ? undefined : s.level(line.itemId, fo.locationId);
        if (lvl) lvl.committed = Math.max(0, lvl.committed - take);
        if (fo.lines.every((l) => l.remainingQuantity === 0) && (fo.status === 'OPEN' || fo.status === 'IN_PROGRESS')) {
          fo.status = 'CLOSED';
          fo.updatedAt = now;
        }
      }
    }
    const restocked = p.type !== 'no_restock' && p.locationId !== null && line.itemId !== null;
    if (restocked) {
      line.restocked += p.quantity;
      restocks.push({ itemId: line.itemId!, locationId: p.locationId!, quantity: p.quantity });
    }
    rec.lines.push({
      id: s.id(), lineItemId: line.id, quantity: p.quantity, restockType: p.type, locationId: p.locationId, restocked,
      subtotal: fromCents(toCents(line.price) * p.quantity),
    });
  }
  for (const t of txs) {
    const tx = { ...t, id: s.id(), createdAt: now };
    s.transactions.push(tx);
    rec.transactions.push(tx);
  }
  order.financialStatus = financialStatusAfter(s, order);
  s.refunds.push(rec);
  for (const r of restocks) {
    const lvl = s.level(r.itemId, r.locationId);
    if (lvl) s.writeAvailable(r.itemId, r.locationId, lvl.available + r.quantity);
  }
  if (rec.notify) s.notifications.push({ at: now, orderId: order.id, email: order.email, kind: 'refund', refundId: rec.id });
  s.emit('refunds/create', refundPayload(s, rec));
  s.emitOrder(order, ['orders/updated']);
  return { ok: true, value: rec };
}

export interface CreateOrderInput {
  lines: { variantId?: number | null; sku?: string | null; title?: string | null; quantity: number; price?: string | null }[];
  email?: string | null;
  tags?: string[];
  note?: string | null;
  sourceIdentifier?: string | null;
  sourceName?: string | null;
  shippingAddress?: MailingAddressRec | null;
  shippingLines?: { title: string; code?: string | null; price: string }[];
  financialStatus?: string | null;
  customer?: OrderRec['customer'] & { email?: string | null };
  currency?: string | null;
  inventoryBehaviour?: string | null;
  sendReceipt?: boolean;
}

export function createOrder(s: ShopState, input: CreateOrderInput): Outcome<OrderRec> {
  if (input.lines.length === 0) return fail(['order', 'lineItems'], 'Line items must have at least one line item.', 'INVALID');
  const behaviour = (input.inventoryBehaviour ?? 'BYPASS').toUpperCase();
  const loc = s.primaryLocation();
  if (!loc) return fail(['order'], 'The shop has no location.', 'INVALID');
  const resolved = [];
  for (const [i, l] of input.lines.entries()) {
    const field = ['order', 'lineItems', String(i)];
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) return fail([...field, 'quantity'], 'Quantity must be greater than 0.', 'INVALID');
    if (l.variantId != null) {
      const item = s.items.find((it) => it.variantId === l.variantId);
      if (!item) return fail([...field, 'variantId'], 'Variant does not exist.', 'INVALID');
      resolved.push({ item, quantity: l.quantity, title: item.title, price: l.price ?? item.price, sku: item.sku });
    } else {
      if (!l.title) return fail([...field, 'title'], 'A custom line item needs a title.', 'INVALID');
      resolved.push({ item: null, quantity: l.quantity, title: l.title, price: l.price ?? '0.00', sku: l.sku ?? null });
    }
  }
  if (behaviour === 'DECREMENT_OBEYING_POLICY') {
    for (const [i, r] of resolved.entries()) {
      const lvl = r.item ? s.level(r.item.id, loc.id) : undefined;
      // The emulator's products all have inventory policy "deny".
      if (r.item && (!lvl || lvl.available < r.quantity)) {
        return fail(['order', 'lineItems', String(i)], `Unable to claim inventory: only ${lvl?.available ?? 0} available.`, 'INVENTORY_CLAIM_FAILED');
      }
    }
  }
  const email = input.email ?? input.customer?.email ?? null;
  const order = s.newOrder({
    email,
    locationId: loc.id,
    sourceName: input.sourceName ?? 'api',
    lines: resolved,
    tags: (input.tags ?? []).map((t) => t.trim()).filter(Boolean),
    note: input.note ?? null,
    sourceIdentifier: input.sourceIdentifier ?? null,
    shippingAddress: input.shippingAddress ?? null,
    shippingLines: (input.shippingLines ?? []).map((l) => ({ id: s.id(), title: l.title, code: l.code ?? null, price: l.price })),
    financialStatus: (input.financialStatus ?? 'PENDING').toLowerCase(),
    customer: input.customer ? { firstName: input.customer.firstName ?? null, lastName: input.customer.lastName ?? null, phone: input.customer.phone ?? null } : null,
    currency: input.currency ?? 'USD',
  });
  if (order.financialStatus === 'paid') s.recordSale(order, 'manual');
  if (behaviour !== 'BYPASS') for (const r of resolved) if (r.item) s.claim(r.item.id, loc.id, r.quantity);
  if (input.sendReceipt) s.notifications.push({ at: order.createdAt, orderId: order.id, email: order.email, kind: 'order_confirmation' });
  s.emitOrder(order, ['orders/create']);
  return { ok: true, value: order };
}

/** Throws the outcome's first error as a DropsyncError (for the control API). */
export function orThrow<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  const e = o.errors[0]!;
  throw new DropsyncError('invalid', e.message, e.field?.join('.') ?? undefined);
}
