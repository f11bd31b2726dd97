/** Counts records handed to the scheduler and not finished, so fetching can wait when too many are queued. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  add(n: number): void {
    this.count += n;
  }

  done(): void {
    this.count -= 1;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when fewer than `limit` are in flight (or `signal` aborts). */
  async below(limit: number, signal: AbortSignal): Promise<void> {
    while (this.count >= limit && !signal.aborted) {
      let wake: () => void = () => {};
      await new Promise<void>((resolve) => {
        wake = () => resolve();
        this.waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
      signal.removeEventListener('abort', wake);
    }
  }
}
