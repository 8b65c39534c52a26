/**
 * Gathers calls made in the same tick and runs them as one set-wise call (DataLoader style), so fifty stores
 * finishing their pushes together cost one statement, not fifty. Each caller still gets its own answer.
 *
 * `serial`: at most one batch runs at a time, and calls made meanwhile go into the next. Batches then take effect
 * in the order their calls were made, which confirmations need (two confirmations of one listing must not
 * overtake each other), and each batch gathers everything that arrived while the previous one ran.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O | PromiseLike<O>) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running = false;

  constructor(private readonly runMany: (items: I[]) => Promise<(O | Promise<O>)[]>, private readonly serial = false) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || (this.serial && this.running)) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    this.running = true;
    this.runMany(batch.map((b) => b.item)).then(
      (outs) => batch.forEach((b, i) => b.resolve(outs[i]!)),
      (err) => batch.forEach((b) => b.reject(err)),
    ).finally(() => {
      this.running = false;
      this.schedule();
    });
  }
}
