/**
 * Gathers calls made in the same tick and runs them as one set-wise call (DataLoader style), so fifty stores
 * finishing their pushes together cost one statement, not fifty. Each caller still gets its own answer.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O | PromiseLike<O>) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(private readonly runMany: (items: I[]) => Promise<(O | Promise<O>)[]>) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    this.runMany(batch.map((b) => b.item)).then(
      (outs) => batch.forEach((b, i) => b.resolve(outs[i]!)),
      (err) => batch.forEach((b) => b.reject(err)),
    );
  }
}
