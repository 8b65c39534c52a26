/**
 * Retailer orders and holds. Each is committed by the engine in one transaction with its SKU rows locked:
 * an order is accepted if atp covers it, else its short units are a conflict (compensated after commit); a
 * hold sets units aside for 10-15 minutes on every store at once. Manual entry goes through the same commit
 * as webhook orders.
 */
import { parseDuration } from '../domain/duration.ts';
import { invalid } from '../domain/errors.ts';
import type { OrderInput, OrderResult } from '../engine/types.ts';
import { getHold, getStore, normaliseSku, type HoldRow } from '../store/admin/index.ts';
import type { Actor, AppDeps } from './unit.ts';

export const MIN_HOLD_SECONDS = 600;
export const MAX_HOLD_SECONDS = 900;

export interface OrderEntry {
  storeId: string;
  platformOrderId: string;
  name?: string;
  email?: string | null;
  placedAt?: string;
  /** A hold this order converts. */
  holdId?: string;
  lines: readonly { sku: string; quantity: number }[];
}

export interface HoldEntry {
  sku: string;
  quantity: number;
  storeId?: string | null;
  /** A duration such as "15m" (10m to 15m); or ttlSeconds, not both. */
  ttl?: string;
  ttlSeconds?: number;
}

export interface HoldConversion {
  platformOrderId: string;
  /** Default: the hold's store. */
  storeId?: string;
  name?: string;
  email?: string | null;
  /** Default: the hold's SKU and quantity. */
  lines?: readonly { sku: string; quantity: number }[];
}

const linesOf = (lines: readonly { sku: string; quantity: number }[]) =>
  lines.map((l, i) => ({ sku: normaliseSku(l.sku, `lines[${i}].sku`), quantity: l.quantity }));

export function orderCommands(deps: AppDeps) {
  /** A store named by the caller must be the supplier's (an unknown one is bad input, naming storeId). */
  const knownStore = (supplierId: string, storeId: string) =>
    getStore(deps.db, supplierId, storeId).catch(() => { throw invalid('storeId', `no store "${storeId}"`); });


  return {
    /** An order entered by hand, deduplicated by (store, platformOrderId): `duplicate` says it was seen before. */
    async record(actor: Actor, entry: OrderEntry): Promise<OrderResult> {
      await knownStore(actor.supplierId, entry.storeId);
      const order: OrderInput = { platformOrderId: entry.platformOrderId, lines: linesOf(entry.lines) };
      if (entry.name !== undefined) order.name = entry.name;
      if (entry.email !== undefined) order.email = entry.email;
      if (entry.placedAt !== undefined) order.placedAt = entry.placedAt;
      if (entry.holdId !== undefined) order.holdId = entry.holdId;
      return deps.engine.submitOrder(actor.supplierId, entry.storeId, order, 'api');
    },

    /** The accepted units ship: they leave committed and on-hand. */
    fulfil(actor: Actor, orderId: string): Promise<OrderResult> {
      return deps.engine.fulfilOrder(actor.supplierId, orderId);
    },

    /** The committed units return to the pool. */
    cancel(actor: Actor, orderId: string): Promise<OrderResult> {
      return deps.engine.cancelOrder(actor.supplierId, orderId);
    },

    /** Reserves units for a cart; they reduce atp on every store until released, converted or expired. */
    async hold(actor: Actor, entry: HoldEntry): Promise<HoldRow> {
      if (entry.ttl !== undefined && entry.ttlSeconds !== undefined) throw invalid('ttl', 'give ttl or ttlSeconds, not both');
      const sku = normaliseSku(entry.sku);
      let ttlSeconds = entry.ttlSeconds;
      if (entry.ttl !== undefined) {
        ttlSeconds = parseDuration(entry.ttl, 'ttl');
        if (ttlSeconds < MIN_HOLD_SECONDS || ttlSeconds > MAX_HOLD_SECONDS) throw invalid('ttl', 'must be between 10m and 15m');
      }
      if (entry.storeId) await knownStore(actor.supplierId, entry.storeId);
      const view = await deps.engine.createHold(actor.supplierId, {
        sku, quantity: entry.quantity,
        ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), ...(entry.storeId ? { storeId: entry.storeId } : {}),
      });
      return getHold(deps.db, actor.supplierId, view.id);
    },

    /** Releases a hold now: its units return to atp. */
    async release(actor: Actor, holdId: string): Promise<HoldRow> {
      const view = await deps.engine.releaseHold(actor.supplierId, holdId);
      return getHold(deps.db, actor.supplierId, view.id);
    },

    /** Turns a hold into an order: the held units become committed. */
    async convert(actor: Actor, holdId: string, c: HoldConversion): Promise<OrderResult> {
      const hold = await getHold(deps.db, actor.supplierId, holdId);
      const storeId = c.storeId ?? hold.storeId;
      if (!storeId) throw invalid('storeId', 'is required: the hold names no store');
      await knownStore(actor.supplierId, storeId);
      const order: OrderInput = { platformOrderId: c.platformOrderId, holdId: hold.id, lines: linesOf(c.lines ?? [{ sku: hold.sku, quantity: hold.quantity }]) };
      if (c.name !== undefined) order.name = c.name;
      if (c.email !== undefined) order.email = c.email;
      return deps.engine.submitOrder(actor.supplierId, storeId, order, 'api');
    },
  };
}
