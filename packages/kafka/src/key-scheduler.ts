/** Lets a running task give its slot back while it only waits (a backoff), and take one again after. */
export type OutsideSlot = <T>(wait: () => Promise<T>) => Promise<T>;

/**
 * Runs work by key: tasks of one key strictly one after another, in the order they were submitted; tasks of
 * different keys concurrently, never more than `limit` at once. The limit is shared by every partition of the
 * consumer, so a per-service concurrency holds whatever the partition count. A task waiting out a backoff
 * does not count: failing keys must not starve the others of slots.
 */
export class KeyScheduler {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly limit: number) {}

  /** Resolves when this task ran (it never rejects: tasks report their own failures). */
  submit(key: string, task: (outsideSlot: OutsideSlot) => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.withSlot(task));
    this.tails.set(key, next);
    // Forget a key once its last task is done, so the map holds only keys with work.
    void next.then(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  private async withSlot(task: (outsideSlot: OutsideSlot) => Promise<void>): Promise<void> {
    await this.acquire();
    const outsideSlot: OutsideSlot = async (wait) => {
      this.release();
      try {
        return await wait();
      } finally {
        await this.acquire();
      }
    };
    try {
      await task(outsideSlot).catch(() => {});
    } finally {
      this.release();
    }
  }

  // A freed slot is handed straight to the next waiter, so a newcomer cannot slip in and exceed the limit.
  private async acquire(): Promise<void> {
    if (this.running < this.limit) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
