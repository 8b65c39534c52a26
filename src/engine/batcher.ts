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

/**
 * A Batcher that runs one batch at a time: calls made while a batch runs go into the next. Batches then take
 * effect in the order their calls were made, which confirmations need (two confirmations of one listing must
 * not overtake each other), and each batch gathers everything that arrived meanwhile.
 */
export class SerialBatcher<I, O> {
  private queue: { item: I; resolve: (o: O | PromiseLike<O>) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;

  constructor(private readonly runMany: (items: I[]) => Promise<(O | Promise<O>)[]>) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
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
