/**
 * Forwarding a retailer's order into the supplier's own Shopify store with `orderCreate`, which Shopify documents
 * for orders that come from outside its checkout ("such as when importing orders from an external system"); a
 * draft order (`draftOrderCreate` + `draftOrderComplete`) is meant for staff-made sales and invoices.
 * - Lines by the supplier's variant, found by exact SKU (`productVariants(query: "sku:...")`); an unknown or
 *   ambiguous SKU refuses the whole order before anything is made.
 * - Tagged `dropsync`, `dropsync-retailer:{retailer}`, `dropsync-order:{retailer order name}`; the reference goes
 *   into `sourceIdentifier` (as a search-safe hash, `dropsync-...`) and the note.
 * - Shipping address and method (a shipping line with the retailer's price); the retailer's customer only when
 *   `shareCustomer` (`customer.toUpsert`), and never a receipt or shipping confirmation from the supplier's store
 *   (`sendReceipt` and `sendFulfillmentReceipt` false): the retailer's store tells its own customer.
 * - `inventoryBehaviour: DECREMENT_IGNORING_POLICY`: the paid order always lands and the supplier's stock drops
 *   at once (an oversell shows as a negative level rather than a lost order); `financialStatus: PAID` (the retailer
 *   settles with the supplier outside Shopify).
 * Idempotent: `orderCreate` takes no `@idempotent` key, so a retry first looks the order up by its
 * `source_identifier` (a documented `orders(query:)` filter) and returns it when found. Shopify's search index is
 * updated asynchronously, so the same process also remembers what it made; a retry from another process right
 * after a create whose answer was lost should wait a few seconds before calling again.
 */
import { createHash } from 'node:crypto';
import { DropsyncError } from '../../domain/errors.ts';
import type { ForwardedOrderInput, ForwardedOrderResult } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import {
  FORWARD_LOOKUP,
  FORWARD_LOOKUP_COST,
  ORDER_CREATE,
  ORDER_CREATE_COST,
  VARIANTS_BY_SKU,
  VARIANTS_BY_SKU_COST,
  VARIANTS_BY_SKU_PAGE,
} from './documents.ts';
import { orderFromNode, type OrderNode } from './order-state.ts';

/** The `sourceIdentifier` of a forwarded order: a hash of the reference, so it is safe in a search query. */
export function forwardIdentifier(reference: string): string {
  return `dropsync-${createHash('sha256').update(reference).digest('hex').slice(0, 32)}`;
}

/** A tag value without the comma Shopify splits tags on. */
const tagValue = (v: string) => v.replace(/,/g, ' ').trim().slice(0, 200);

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export async function findForwardedOrder(client: ShopifyClient, reference: string): Promise<ForwardedOrderResult | null> {
  const id = forwardIdentifier(reference);
  const res = await client.call<{ orders: { nodes: OrderNode[] } }>(FORWARD_LOOKUP, { query: `source_identifier:${quote(id)}` }, FORWARD_LOOKUP_COST, 'wait');
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the order look-up');
  const node = res.data.orders.nodes.find((n) => n.sourceIdentifier === id);
  return node ? { platformOrderId: node.id, name: node.name, created: false, order: orderFromNode(node) } : null;
}

/** Variant gid per SKU, exact matches only; throws naming the first line whose SKU is missing or ambiguous. */
async function variantsFor(client: ShopifyClient, lines: ForwardedOrderInput['lines']): Promise<Map<string, string>> {
  const skus = [...new Set(lines.map((l) => l.sku))];
  const found = new Map<string, string[]>();
  for (let i = 0; i < skus.length; i += 50) {
    const chunk = skus.slice(i, i + 50);
    const res = await client.call<{ productVariants: { nodes: { id: string; sku: string | null }[] } }>(
      VARIANTS_BY_SKU, { query: chunk.map((s) => `sku:${quote(s)}`).join(' OR ') }, VARIANTS_BY_SKU_COST, 'wait',
    );
    if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the variant look-up');
    if (res.data.productVariants.nodes.length >= VARIANTS_BY_SKU_PAGE) throw new DropsyncError('upstream', 'too many variants matched the SKUs to be sure of an exact match');
    for (const v of res.data.productVariants.nodes) {
      if (v.sku === null || !chunk.includes(v.sku)) continue; // Shopify's search is looser than equality
      found.set(v.sku, [...(found.get(v.sku) ?? []), v.id]);
    }
  }
  const out = new Map<string, string>();
  lines.forEach((l, i) => {
    const ids = found.get(l.sku) ?? [];
    if (ids.length === 0) throw new DropsyncError('invalid', `the supplier's store has no product with SKU ${l.sku}`, `lines[${i}].sku`);
    if (ids.length > 1) throw new DropsyncError('invalid', `several products in the supplier's store carry SKU ${l.sku}`, `lines[${i}].sku`);
    out.set(l.sku, ids[0]!);
  });
  return out;
}

type CreateData = { orderCreate: { order: OrderNode | null; userErrors: { code: string | null; field: string[] | null; message: string }[] } | null };

/** Forwarded orders made by this process, by reference (Shopify's search may not show them yet). */
export class ForwardBook {
  private readonly made = new Map<string, ForwardedOrderResult>();
  get(reference: string) {
    return this.made.get(reference);
  }
  set(reference: string, r: ForwardedOrderResult) {
    this.made.set(reference, r);
    if (this.made.size > 10_000) this.made.delete(this.made.keys().next().value!);
  }
}

export async function createForwardedOrder(client: ShopifyClient, book: ForwardBook, input: ForwardedOrderInput): Promise<ForwardedOrderResult> {
  if (!input.reference) throw new DropsyncError('invalid', 'required', 'reference');
  if (!Array.isArray(input.lines) || input.lines.length === 0) throw new DropsyncError('invalid', 'at least one line', 'lines');
  input.lines.forEach((l, i) => {
    if (!l.sku) throw new DropsyncError('invalid', 'required', `lines[${i}].sku`);
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new DropsyncError('invalid', 'must be a positive integer', `lines[${i}].quantity`);
  });
  const remembered = book.get(input.reference);
  if (remembered) return { ...remembered, created: false };
  const existing = await findForwardedOrder(client, input.reference);
  if (existing) return existing;
  const variants = await variantsFor(client, input.lines);
  const currency = input.currency ?? 'USD';
  const a = input.shippingAddress;
  const address = a
    ? Object.fromEntries(Object.entries({
      firstName: a.firstName, lastName: a.lastName, company: a.company, address1: a.address1, address2: a.address2,
      city: a.city, countryCode: a.countryCode, provinceCode: a.provinceCode, zip: a.zip, phone: a.phone,
    }).filter(([, v]) => v !== null && v !== undefined && v !== ''))
    : null;
  const c = input.shareCustomer ? input.customer : null;
  const customer = c && (c.email || c.phone)
    ? { toUpsert: Object.fromEntries(Object.entries({ email: c.email, phone: c.phone, firstName: c.firstName, lastName: c.lastName }).filter(([, v]) => v)) }
    : null;
  const order = {
    lineItems: input.lines.map((l) => ({ variantId: variants.get(l.sku)!, quantity: l.quantity })),
    tags: ['dropsync', `dropsync-retailer:${tagValue(input.retailerName)}`, `dropsync-order:${tagValue(input.retailerOrderName)}`, ...(input.tags ?? []).map(tagValue)].filter(Boolean),
    sourceIdentifier: forwardIdentifier(input.reference),
    note: input.note ?? `Forwarded by dropsync: ${input.retailerName} order ${input.retailerOrderName} (${input.reference})`,
    financialStatus: 'PAID',
    currency,
    ...(address && Object.keys(address).length ? { shippingAddress: address } : {}),
    ...(input.shippingMethod
      ? { shippingLines: [{ title: input.shippingMethod.title, ...(input.shippingMethod.code ? { code: input.shippingMethod.code } : {}), priceSet: { shopMoney: { amount: input.shippingMethod.price ?? '0.00', currencyCode: currency } } }] }
      : {}),
    ...(customer ? { customer } : {}),
  };
  const res = await client.call<CreateData>(
    ORDER_CREATE,
    { order, options: { inventoryBehaviour: 'DECREMENT_IGNORING_POLICY', sendReceipt: false, sendFulfillmentReceipt: false } },
    ORDER_CREATE_COST,
    'wait',
  );
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling orderCreate');
  const payload = res.data.orderCreate;
  if (!payload?.order) {
    const why = payload?.userErrors.map((e) => `${e.code ?? ''} ${e.message}`.trim()).join('; ') || res.errors.map((e) => e.message).join('; ') || 'no payload';
    throw new DropsyncError('invalid', `Shopify refused the forwarded order: ${why}`, 'order');
  }
  const result: ForwardedOrderResult = { platformOrderId: payload.order.id, name: payload.order.name, created: true, order: orderFromNode(payload.order) };
  book.set(input.reference, result);
  return result;
}
