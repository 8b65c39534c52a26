/**
 * One SKU's numbers, in exactly this order: onHand, committed, held -> atp -> ownReserve ->
 * afterReserve -> buffer -> pool -> deactivated -> shown per retailer -> overlap.
 * The engine calls this after every change for every affected SKU, so it stays allocation-light.
 */
import { allocate } from './allocate.ts';
import { ceilPercent, computeBuffer } from './buffers.ts';
import type { SkuAllocationInput, SkuAllocationResult } from './types.ts';

/**
 * Inputs are assumed valid (validateAllocationInput). Reported ownReserve and buffer are the units actually
 * applied, so the numbers add up line by line: when atp >= 0, atp = ownReserve + afterReserve and
 * afterReserve = buffer + pool. A percent reserve is ceil(percent x max(0, atp) / 100).
 */
export function allocateSku(input: SkuAllocationInput): SkuAllocationResult {
  const onHand = input.onHand;
  const committed = input.committed ?? 0;
  const held = input.held ?? 0;
  const atp = onHand - committed - held;
  const available = atp > 0 ? atp : 0;

  const reserveRule = input.ownReserve;
  let ownReserve = 0;
  if (reserveRule) ownReserve = 'units' in reserveRule ? reserveRule.units : ceilPercent(available, reserveRule.percent);
  if (ownReserve > available) ownReserve = available;
  const afterReserve = available - ownReserve;

  const buffer = computeBuffer(input.buffer, afterReserve, available);
  const pool = afterReserve - buffer.units;

  const belowThreshold = atp < (input.deactivationThreshold ?? 0);
  const deactivated = belowThreshold || buffer.notViable;

  let shown: Record<string, number>;
  if (deactivated) {
    shown = {};
    for (const r of input.retailers) shown[r.id] = 0;
  } else {
    shown = allocate(pool, input.retailers, input.strategy);
  }
  let total = 0;
  for (const id in shown) total += shown[id]!;

  const result: SkuAllocationResult = {
    onHand,
    committed,
    held,
    atp,
    ownReserve,
    afterReserve,
    buffer: buffer.units,
    pool,
    deactivated,
    shown,
    overlap: total > pool ? total - pool : 0,
  };
  if (buffer.percent !== undefined) result.bufferPercent = buffer.percent;
  if (deactivated) result.deactivatedReason = belowThreshold ? 'threshold' : 'not_viable';
  return result;
}
