/**
 * Group commit for stock events. A call that arrives while `width` ingest transactions of the same supplier are
 * already running waits, and everything that waited goes into the next transaction together (up to
 * MERGE_EVENTS events). Idle, a call runs at once, alone; under load the per-transaction cost (a dozen
 * statements, a commit) is shared by many calls instead of being paid by each, so throughput grows with the
 * load instead of collapsing under it. Each call still gets its own result, as if it had run alone.
 */
import { applyIngest, prepareIngest, soleOutcome, type IngestOutcome, type PreparedIngest } from './ingest.ts';
import { retryTx } from './retry.ts';
import type { Ctx } from './context.ts';

/** At most this many events in one merged transaction (a call of up to 1,000 is never split). */
export const MERGE_EVENTS = 5000;

interface Waiting {
  prepared: PreparedIngest; arrivedAt: number;
  resolve(o: IngestOutcome): void; reject(err: unknown): void;
}

export class IngestQueue {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly running = new Map<string, number>();

  /** width: transactions of one supplier at a time (PGlite runs one at a time anyway; a server can overlap). */
  constructor(private readonly ctx: Ctx, private readonly width: number) {}

  /** Validates at once (a bad batch shape throws here), then applies with whatever else is waiting. */
  submit(supplierId: string, events: readonly unknown[]): Promise<IngestOutcome> {
    const prepared = prepareIngest(events);
    const arrivedAt = this.ctx.clock.now();
    if (prepared.valid.length === 0) return applyIngest(this.ctx, supplierId, [prepared], arrivedAt).then(soleOutcome);
    return new Promise<IngestOutcome>((resolve, reject) => {
      const list = this.waiting.get(supplierId) ?? [];
      list.push({ prepared, arrivedAt, resolve, reject });
      this.waiting.set(supplierId, list);
      this.pump(supplierId);
    });
  }

  private pump(supplierId: string): void {
    while ((this.running.get(supplierId) ?? 0) < this.width) {
      const list = this.waiting.get(supplierId);
      if (!list || list.length === 0) { this.waiting.delete(supplierId); return; }
      const group: Waiting[] = [];
      let events = 0;
      while (list.length > 0 && (group.length === 0 || events + list[0]!.prepared.valid.length <= MERGE_EVENTS)) {
        const w = list.shift()!;
        events += w.prepared.valid.length;
        group.push(w);
      }
      this.running.set(supplierId, (this.running.get(supplierId) ?? 0) + 1);
      void this.run(supplierId, group).finally(() => {
        this.running.set(supplierId, this.running.get(supplierId)! - 1);
        this.pump(supplierId);
      });
    }
  }

  private async run(supplierId: string, group: Waiting[]): Promise<void> {
    const arrivedAt = Math.min(...group.map((w) => w.arrivedAt));
    try {
      const out = await retryTx(() => applyIngest(this.ctx, supplierId, group.map((w) => w.prepared), arrivedAt));
      // Every call's outcome carries the whole transaction's changes: the engine reports them once (see engine.ts).
      group.forEach((w, i) => w.resolve({ result: out.results[i]!, changed: i === 0 ? out.changed : [], skus: i === 0 ? out.skus : [] }));
    } catch (err) {
      if (group.length === 1) { group[0]!.reject(err); return; }
      // One call's events may be what failed: apply each alone, so only that call sees the error.
      for (const w of group) {
        await retryTx(() => applyIngest(this.ctx, supplierId, [w.prepared], w.arrivedAt)).then((o) => w.resolve(soleOutcome(o)), w.reject);
      }
    }
  }
}
