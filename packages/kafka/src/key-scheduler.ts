/**
 * Runs work by key: tasks of one key strictly one after another, in the order they were submitted; tasks of
 * different keys concurrently, never more than `limit` at once. The limit is shared by every partition of the
 * consumer, so a per-service concurrency holds whatever the partition count.
 */
export class KeyScheduler {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Resolves when this task ran (it never rejects: tasks report their own failures). */
  submit(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.withSlot(task));
    this.tails.set(key, next);
    // Forget a key once its last task is done, so the map holds only keys with work.
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  private async withSlot(task: () => Promise<void>): Promise<void> {
    // A freed slot is handed straight to the next waiter, so a newcomer cannot slip in and exceed the limit.
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      await task().catch(() => {});
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
