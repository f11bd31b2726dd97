/**
 * What the client needs from a rate limiter: a slot per request, held until the response arrived, and a pause
 * every caller of the budget obeys. `LocalGhlRateLimiter` keeps the window in one process; `@df/ghl-store`'s
 * `PgGhlRateLimiter` keeps it in Postgres so every process calling GHL for a location draws from one budget.
 */

export interface RateLimitGrant {
  /** How long this caller waited for its slot (ms). */
  waitedMs: number;
  /** Call once the response (or failure) arrived; pass the response headers when there are some. */
  release(headers?: Headers): Promise<void> | void;
}

/** GHL's daily budget for the location, as its `X-RateLimit-*-Daily` headers last reported it. */
export interface DailyBudget {
  limit: number;
  remaining: number;
  /** Epoch ms of the response that reported it. */
  at: number;
}

export interface GhlRateLimiter {
  /** Waits for a slot. `priority` puts the caller ahead of new callers (a retry after 429). */
  acquire(options?: { priority?: boolean }): Promise<RateLimitGrant>;
  /** Blocks every caller of this budget for `ms` (after a 429, honouring `Retry-After`). */
  pause(ms: number): Promise<void> | void;
  /** Current limits (after adopting what GHL advertised). */
  readonly limits: { max: number; intervalMs: number };
  readonly daily: DailyBudget | undefined;
  /** Time callers of this instance spent waiting for a slot (ms), and grants handed out: for metrics. */
  readonly waitedMs: number;
  readonly granted: number;
}

export interface RateLimiterOptions {
  /** Requests per window. Default 100. */
  max?: number;
  /** Window in ms. Default 10 000. */
  intervalMs?: number;
}

export interface RateHeaders {
  max?: number;
  intervalMs?: number;
  remaining?: number;
  daily?: DailyBudget;
}

const positive = (value: string | null) => {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};
const count = (value: string | null) => {
  const n = value === null ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** The five `X-RateLimit-*` headers GHL sends on every response (ghl-api.md §6). */
export function readRateHeaders(headers: Headers): RateHeaders {
  const out: RateHeaders = {};
  const max = positive(headers.get('x-ratelimit-max'));
  const intervalMs = positive(headers.get('x-ratelimit-interval-milliseconds'));
  const remaining = count(headers.get('x-ratelimit-remaining'));
  const dailyLimit = positive(headers.get('x-ratelimit-limit-daily'));
  const dailyRemaining = count(headers.get('x-ratelimit-daily-remaining'));
  if (max !== undefined) out.max = max;
  if (intervalMs !== undefined) out.intervalMs = intervalMs;
  if (remaining !== undefined) out.remaining = remaining;
  if (dailyRemaining !== undefined)
    out.daily = { limit: dailyLimit ?? dailyRemaining, remaining: dailyRemaining, at: Date.now() };
  return out;
}
