/**
 * After-commit compensation of conflicts: the retailer's store connector cancels/apologises (action `cancel`),
 * or is told for `backorder` / `notify`. Pending rows are claimed with SKIP LOCKED (any process may run them),
 * retried with backoff, and the outcome is recorded on the conflict row.
 */
import { claimDueConflicts, resolveConflicts, retryConflicts, type DueConflict } from '../store/ops/conflicts.ts';
import { loadStore } from '../store/ops/stores.ts';
import type { ConflictInfo } from '../connectors/types.ts';
import type { ConnectorCache } from './connectors.ts';
import { iso, type Ctx } from './context.ts';

export const COMPENSATION_MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

export async function compensatePending(ctx: Ctx, connectors: ConnectorCache, baseMs = 1000, capMs = 300_000): Promise<number> {
  const now = ctx.clock.now();
  const due = await claimDueConflicts(ctx.db, iso(now), iso(now + LEASE_MS), 50);
  const byOrder = new Map<string, DueConflict[]>();
  for (const c of due) byOrder.set(c.order_id, [...(byOrder.get(c.order_id) ?? []), c]);
  for (const group of byOrder.values()) {
    const first = group[0]!;
    const ids = group.map((c) => c.id);
    const at = () => iso(ctx.clock.now());
    if (!first.store_id) {
      await resolveConflicts(ctx.db, ids, 'done', 'no retailer store: recorded only', null, at());
      continue;
    }
    try {
      const store = await loadStore(ctx.db, first.store_id);
      if (!store) throw new Error('store no longer exists');
      const connector = connectors.get(store);
      const info: ConflictInfo = {
        conflictId: first.id, platformOrderId: first.platform_order_id, email: first.email,
        lines: group.map((c) => ({ sku: c.sku, quantity: c.quantity, shortBy: c.short })),
        action: first.action as ConflictInfo['action'], discountValue: first.discount_value ?? 10,
        apologyNote: 'We are sorry: this item sold out moments before your order. We have cancelled it and added a discount for your next order.',
        ...(first.name ? { orderName: first.name } : {}),
      };
      const out = await connector.compensate(info);
      await resolveConflicts(ctx.db, ids, 'done', out.detail, out.code ?? null, at());
      ctx.emit('conflict', { orderId: first.order_id, conflictIds: ids, status: 'done', detail: out.detail });
    } catch (err) {
      const detail = `attempt ${first.attempts}: ${(err as Error).message}`;
      if (first.attempts >= COMPENSATION_MAX_ATTEMPTS) await resolveConflicts(ctx.db, ids, 'failed', detail, null, at());
      else await retryConflicts(ctx.db, ids, detail, at(), baseMs, capMs);
      ctx.log.warn({ err, orderId: first.order_id }, 'compensation failed');
    }
  }
  return due.length;
}
