/**
 * `inventorySetQuantities` with the 2026-04 rules: `changeFromQuantity` on every entry (Int to compare, explicit
 * null to skip), `@idempotent(key:)` required (a reused key returns the first result, a reused key with other
 * input is an error), 250 entries at most, and all-or-nothing: any user error means nothing is written.
 * API versions before 2026-04 may leave both out (the 2026-01 behaviour).
 */
import { GraphQLError } from 'graphql';
import { gid, levelKey, parseGid, type ShopState } from './state.ts';

export const MAX_INPUT_ITEMS = 250;
export const QUANTITY_LIMIT = 1_000_000_000;
/** Shopify's documented reasons for inventory changes. */
export const REASONS = new Set([
  'correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received',
  'movement_canceled', 'other', 'promotion', 'quality_control', 'received', 'reservation_created',
  'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage',
]);

interface QuantityInput {
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  compareQuantity?: number | null;
  changeFromQuantity?: number | null;
}

export interface SetQuantitiesInput {
  reason: string;
  name: string;
  referenceDocumentUri?: string | null;
  quantities: QuantityInput[];
  ignoreCompareQuantity?: boolean;
}

interface UserError {
  code: string;
  field: string[];
  message: string;
}

/** True for versions at or after 2026-04 ("unstable" counts as newest). */
export function strictInventoryRules(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-04';
}

export function setQuantities(
  s: ShopState,
  input: SetQuantitiesInput,
  key: string | null,
  apiVersion: string,
): Record<string, unknown> {
  const strict = strictInventoryRules(apiVersion);
  if (input.quantities.length > MAX_INPUT_ITEMS) {
    throw new GraphQLError(
      `The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_INPUT_ITEMS}.`,
      { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } },
    );
  }
  if (strict) {
    if (key === null) {
      throw new GraphQLError('The @idempotent directive is required for this mutation.', { extensions: { code: 'BAD_REQUEST' } });
    }
    if (input.ignoreCompareQuantity) {
      throw new GraphQLError('ignoreCompareQuantity is no longer supported; use changeFromQuantity.', { extensions: { code: 'BAD_REQUEST' } });
    }
    input.quantities.forEach((q, i) => {
      if (q.compareQuantity !== undefined) {
        throw new GraphQLError(`input.quantities.${i}.compareQuantity is no longer supported; use changeFromQuantity.`, {
          extensions: { code: 'BAD_REQUEST' },
        });
      }
      if (!('changeFromQuantity' in q)) {
        throw new GraphQLError(`input.quantities.${i}.changeFromQuantity is required (an Int, or null to skip the check).`, {
          extensions: { code: 'BAD_REQUEST' },
        });
      }
    });
  }
  const fingerprint = JSON.stringify(input);
  if (key !== null) {
    const seen = s.idempotency.get(key);
    if (seen) {
      if (seen.fingerprint === fingerprint) return seen.result as Record<string, unknown>;
      return payload(null, [{ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: ['input'], message: 'The idempotency key was already used with different parameters.' }]);
    }
  }
  const result = apply(s, input);
  if (key !== null) s.idempotency.set(key, { fingerprint, result });
  return result;
}

function apply(s: ShopState, input: SetQuantitiesInput): Record<string, unknown> {
  const errors: UserError[] = [];
  if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: 'The specified reason is invalid.' });
  if (input.name !== 'available' && input.name !== 'on_hand') {
    errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'." });
  }
  const seen = new Set<string>();
  const writes: { itemId: number; locationId: number; quantity: number; delta: number; after: number }[] = [];
  input.quantities.forEach((q, i) => {
    const field = (f: string) => ['input', 'quantities', String(i), f];
    const itemId = parseGid(q.inventoryItemId, 'InventoryItem');
    const locationId = parseGid(q.locationId, 'Location');
    const item = itemId === null ? undefined : s.itemsById.get(itemId);
    const loc = locationId === null ? undefined : s.location(locationId);
    if (!item) return errors.push({ code: 'INVALID_INVENTORY_ITEM', field: field('inventoryItemId'), message: 'The specified inventory item could not be found.' });
    if (!loc) return errors.push({ code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' });
    const pair = levelKey(item.id, loc.id);
    if (seen.has(pair)) {
      return errors.push({ code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', field: field('inventoryItemId'), message: 'The combination of inventoryItemId and locationId must be unique.' });
    }
    seen.add(pair);
    const lvl = s.level(item.id, loc.id);
    if (!lvl) return errors.push({ code: 'ITEM_NOT_STOCKED_AT_LOCATION', field: field('locationId'), message: 'The specified inventory item is not stocked at the location.' });
    if (q.quantity > QUANTITY_LIMIT) return errors.push({ code: 'INVALID_QUANTITY_TOO_HIGH', field: field('quantity'), message: "The total quantity can't be higher than 1,000,000,000." });
    if (q.quantity < -QUANTITY_LIMIT) return errors.push({ code: 'INVALID_QUANTITY_TOO_LOW', field: field('quantity'), message: "The total quantity can't be lower than -1,000,000,000." });
    if (input.name === 'available' && q.quantity < 0) return errors.push({ code: 'INVALID_QUANTITY_NEGATIVE', field: field('quantity'), message: "The quantity can't be negative." });
    const current = input.name === 'on_hand' ? lvl.available + lvl.committed : lvl.available;
    if (q.changeFromQuantity !== undefined && q.changeFromQuantity !== null && q.changeFromQuantity !== current) {
      return errors.push({
        code: 'CHANGE_FROM_QUANTITY_STALE',
        field: field('changeFromQuantity'),
        message: 'The specified compare quantity does not match the current quantity.',
      });
    }
    const available = input.name === 'on_hand' ? q.quantity - lvl.committed : q.quantity;
    writes.push({ itemId: item.id, locationId: loc.id, quantity: available, delta: q.quantity - current, after: q.quantity });
  });
  if (errors.length > 0) return payload(null, errors);
  const groupId = s.id();
  const changes = writes.map((w) => {
    s.writeAvailable(w.itemId, w.locationId, w.quantity);
    const item = s.itemsById.get(w.itemId)!;
    return {
      name: input.name,
      delta: w.delta,
      quantityAfterChange: w.after,
      ledgerDocumentUri: null,
      item: { __typename: 'InventoryItem', id: gid('InventoryItem', item.id), sku: item.sku },
      location: { __typename: 'Location', id: gid('Location', w.locationId) },
    };
  });
  return payload(
    {
      __typename: 'InventoryAdjustmentGroup',
      id: gid('InventoryAdjustmentGroup', groupId),
      createdAt: new Date(s.clock.now()).toISOString(),
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      changes: () => changes,
    },
    [],
  );
}

function payload(group: unknown, userErrors: UserError[]): Record<string, unknown> {
  return { inventoryAdjustmentGroup: group, userErrors };
}
