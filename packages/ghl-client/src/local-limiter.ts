import {
  type DailyBudget,
  type GhlRateLimiter,
  type RateLimiterOptions,
  type RateLimitGrant,
  readRateHeaders,
} from './limiter.ts';

/**
 * Per-location, per-process limiter for GHL's burst limit (default 100 requests / 10 s, ghl-api.md §6).
 *
 * Sliding window, counted conservatively: a request holds its slot from the moment it is sent until `intervalMs`
 * after its *response* arrived. GHL counts a request when it arrives, which is somewhere between those two instants,
 * so every request GHL can see in any window is also counted here — the limiter can never exceed the server's window
 * however the network delays requests. Callers queue FIFO (nothing is dropped). The limiter also adopts a lower
 * `X-RateLimit-Max` / longer `X-RateLimit-Interval-Milliseconds` advertised by GHL, pauses a full window when
 * `X-RateLimit-Remaining` says the budget is used up (another process sharing it), and pauses for `Retry-After`
 * after a 429.
 */

export class LocalGhlRateLimiter implements GhlRateLimiter {
  daily: DailyBudget | undefined;
  /** Total time callers spent waiting for a slot (ms), for metrics. */
  waitedMs = 0;
  /** Number of grants handed out. */
  granted = 0;
  private readonly configuredMax: number;
  private readonly configuredInterval: number;
  private max: number;
  private intervalMs: number;
  private inFlight = 0;
  private readonly completions: number[] = [];
  private readonly queue: { resolve: () => void; priority: boolean }[] = [];
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions = {}) {
    this.configuredMax = options.max ?? 100;
    this.configuredInterval = options.intervalMs ?? 10_000;
    this.max = this.configuredMax;
    this.intervalMs = this.configuredInterval;
  }

  /** Current limits (after adopting what GHL advertised). */
  get limits(): { max: number; intervalMs: number } {
    return { max: this.max, intervalMs: this.intervalMs };
  }

  /** Waits for a slot. `priority` puts the caller at the head of the queue (a retry after 429). */
  async acquire(options: { priority?: boolean } = {}): Promise<RateLimitGrant> {
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const entry = { resolve, priority: options.priority === true };
      if (entry.priority) {
        const firstNormal = this.queue.findIndex((q) => !q.priority);
        this.queue.splice(firstNormal < 0 ? this.queue.length : firstNormal, 0, entry);
      } else {
        this.queue.push(entry);
      }
      this.pump();
    });
    const waited = Date.now() - started;
    this.waitedMs += waited;
    this.granted += 1;
    let released = false;
    return {
      waitedMs: waited,
      release: (headers) => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.completions.push(Date.now());
        if (headers) this.observe(headers);
        this.pump();
      },
    };
  }

  /** Blocks every caller for `ms` (used after a 429 with `Retry-After`). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.pump();
  }

  private observe(headers: Headers): void {
    const seen = readRateHeaders(headers);
    if (seen.max !== undefined) this.max = Math.min(this.configuredMax, seen.max);
    if (seen.intervalMs !== undefined) this.intervalMs = Math.max(this.configuredInterval, seen.intervalMs);
    // Another process (or another app) used the budget up: wait a full window rather than earn a 429.
    if (seen.remaining === 0) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + this.intervalMs);
    if (seen.daily) {
      this.daily = seen.daily;
      if (seen.daily.remaining === 0)
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + this.intervalMs);
    }
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (;;) {
      if (this.queue.length === 0) return;
      const now = Date.now();
      if (now < this.pausedUntil) {
        this.wakeAt(this.pausedUntil);
        return;
      }
      const cutoff = now - this.intervalMs;
      while (this.completions.length > 0 && (this.completions[0] as number) <= cutoff)
        this.completions.shift();
      if (this.inFlight + this.completions.length >= this.max) {
        // With everything in flight, a release will pump; otherwise wake when the oldest completion leaves.
        if (this.completions.length > 0) this.wakeAt((this.completions[0] as number) + this.intervalMs + 1);
        return;
      }
      this.inFlight += 1;
      this.queue.shift()?.resolve();
    }
  }

  private wakeAt(at: number): void {
    this.timer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()));
  }
}

const shared = new Map<string, LocalGhlRateLimiter>();

/**
 * The process-wide limiter for one GHL budget (base URL + location). Clients created without an explicit `limiter`
 * use this, so every client of a location in a process shares one window. `options` apply on first use only.
 */
export function sharedGhlRateLimiter(key: string, options?: RateLimiterOptions): LocalGhlRateLimiter {
  let limiter = shared.get(key);
  if (!limiter) {
    limiter = new LocalGhlRateLimiter(options);
    shared.set(key, limiter);
  }
  return limiter;
}
