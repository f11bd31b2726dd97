/** GHL's limits: a burst window per (app or PIT, location) and a daily count per location (ghl-api.md §6). */
import { HttpError } from './http.ts';
import type { GhlState } from './state.ts';

export function rateLimiter({ rateLimit, burst, daily }: GhlState) {
  const pruneBurst = (key: string) => {
    const list = burst.get(key) ?? [];
    const cutoff = Date.now() - rateLimit.intervalMs;
    while (list.length > 0 && (list[0] as number) <= cutoff) list.shift();
    burst.set(key, list);
    return list;
  };

  /** Counts a request against both limits, or throws the 429 GHL would answer. */
  const admit = (rateKey: string, locationId: string) => {
    const window = pruneBurst(rateKey);
    const today = new Date().toISOString().slice(0, 10);
    // Burst: per app (or PIT) per location. Daily: per location, shared by all its apps and PITs (§6).
    const dayEntry = daily.get(locationId);
    const dayCount = dayEntry?.day === today ? dayEntry.count : 0;
    if (window.length >= rateLimit.max || dayCount >= rateLimit.daily) {
      const headers: Record<string, string> = {};
      if (rateLimit.retryAfter) {
        const waitMs =
          dayCount >= rateLimit.daily
            ? Date.parse(`${today}T00:00:00.000Z`) + 86_400_000 - Date.now()
            : (window[0] as number) + rateLimit.intervalMs - Date.now();
        headers['Retry-After'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
      }
      throw new HttpError(429, { statusCode: 429, message: 'Too Many Requests' }, headers);
    }
    window.push(Date.now());
    daily.set(locationId, { day: today, count: dayCount + 1 });
  };

  /** The five `X-RateLimit-*` headers GHL sends on every response. */
  const headers = (rateKey: string | undefined, locationId: string | undefined): Record<string, string> => {
    const used = rateKey ? pruneBurst(rateKey).length : 0;
    const day = locationId ? (daily.get(locationId)?.count ?? 0) : 0;
    return {
      'X-RateLimit-Limit-Daily': String(rateLimit.daily),
      'X-RateLimit-Daily-Remaining': String(Math.max(0, rateLimit.daily - day)),
      'X-RateLimit-Interval-Milliseconds': String(rateLimit.intervalMs),
      'X-RateLimit-Max': String(rateLimit.max),
      'X-RateLimit-Remaining': String(Math.max(0, rateLimit.max - used)),
    };
  };
  return { admit, headers };
}
