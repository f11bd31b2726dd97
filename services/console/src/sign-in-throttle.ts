import type { Context } from 'koa';
import { HttpError } from './http.ts';

/**
 * Failed sign-ins (a wrong log-in token or API bearer) per client address, in a sliding window. Past the limit
 * the address is refused before its token is even compared, the right one included, so guessing learns
 * nothing more until the oldest failure leaves the window. Kept in memory: one console process, and a restart
 * forgetting the counts only gives a guesser one more window.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 15 * 60_000,
    /** Bounds the memory a flood of addresses can take: the address seen longest ago is forgotten first. */
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string, nowMs: number): number {
    const recent = this.recent(address, nowMs);
    if (recent.length < this.limit) return 0;
    return recent[recent.length - this.limit]! + this.windowMs - nowMs;
  }

  failed(address: string, nowMs: number): void {
    const recent = [...this.recent(address, nowMs), nowMs].slice(-this.limit);
    this.failures.delete(address);
    this.failures.set(address, recent);
    if (this.failures.size > this.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  private recent(address: string, nowMs: number): number[] {
    const times = (this.failures.get(address) ?? []).filter((t) => nowMs - t < this.windowMs);
    if (times.length === 0) this.failures.delete(address);
    return times;
  }
}

/** Refuses an address that has failed too often, before its token is compared (429 with Retry-After). */
export function refuseWhileThrottled(ctx: Context, throttle: SignInThrottle, nowMs: number) {
  const waitMs = throttle.retryAfterMs(ctx.ip, nowMs);
  if (waitMs === 0) return;
  ctx.set('retry-after', String(Math.ceil(waitMs / 1000)));
  throw new HttpError(429, 'too_many_failures', 'too many wrong tokens from this address: try again later');
}
