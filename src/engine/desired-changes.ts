/**
 * What one transaction changed in `desired`, gathered while it runs and handed on after it commits (see
 * Engine.committed). Memory stays bounded: rows are counted per store, and the changed rows themselves are
 * kept only while there are at most `keepAtMost` of them (for a caller that wants them; the dispatcher is told
 * only which stores changed, and reads their rows from the table), so a rule change that rewrites two million
 * rows costs the same memory as one that rewrites ten.
 */
import type { DesiredChange } from '../store/ops/desired.ts';
import type { DesiredEvent } from './types.ts';

/** Changed rows kept at most by default; past that only their counts per store are. */
export const HANDOFF_MAX = 20_000;

export class DesiredChanges {
  private rows: DesiredChange[] | null = [];
  private readonly perStore = new Map<string, number>();
  private readonly desiredAt = new Set<string>();
  private total = 0;

  constructor(readonly supplierId: string, private readonly keepAtMost = HANDOFF_MAX) {}

  add(changes: readonly DesiredChange[]): void {
    for (const c of changes) {
      this.perStore.set(c.storeId, (this.perStore.get(c.storeId) ?? 0) + 1);
      this.desiredAt.add(c.desiredAt);
      if (this.rows && this.rows.length >= this.keepAtMost) this.rows = null;
      this.rows?.push(c);
    }
    this.total += changes.length;
  }

  /** Rows changed in all. */
  get count(): number {
    return this.total;
  }

  /** The stores whose rows changed. */
  get storeIds(): string[] {
    return [...this.perStore.keys()];
  }

  /** The changed rows, or null when there were more than could be kept (the stores then read their rows). */
  get kept(): readonly DesiredChange[] | null {
    return this.rows;
  }

  /** The live `desired` event: counts and ids, never the rows. */
  event(): DesiredEvent {
    return { supplierId: this.supplierId, count: this.total, stores: [...this.perStore].map(([storeId, count]) => ({ storeId, count })), desiredAt: [...this.desiredAt] };
  }
}
