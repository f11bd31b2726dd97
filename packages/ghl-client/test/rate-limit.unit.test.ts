import { createGhlClient, LocalGhlRateLimiter } from '@df/ghl-client';
import { type GhlSimRequest, type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { afterEach, describe, expect, it } from 'vitest';

// A scaled-down window keeps the test short; the logic is the same as 100 / 10 s.
const MAX = 25;
const INTERVAL_MS = 500;

let sim: GhlSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** The largest number of requests the simulator saw arrive in any sliding window of `intervalMs`. */
function peakInWindow(requests: GhlSimRequest[], intervalMs: number): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= intervalMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

describe('GHL client rate limiter', () => {
  it('never exceeds the window under 250 concurrent calls, and drops none', async () => {
    sim = await startGhlSimulator({ rateLimit: { max: MAX, intervalMs: INTERVAL_MS } });
    const s = sim;
    const contact = s.seedContact({ firstName: 'Busy' }, { silent: true });
    const client = createGhlClient({
      locationId: s.locationId,
      auth: { type: 'pit', token: s.pitToken },
      baseUrl: s.url,
      limiter: new LocalGhlRateLimiter({ max: MAX, intervalMs: INTERVAL_MS }),
    });
    const results = await Promise.all(Array.from({ length: 250 }, () => client.getContact(contact.id)));
    expect(results).toHaveLength(250);
    expect(results.every((c) => c.id === contact.id)).toBe(true);

    const calls = s.requests.filter((r) => r.path === `/contacts/${contact.id}`);
    expect(calls).toHaveLength(250);
    expect(calls.filter((r) => r.status === 429)).toEqual([]);
    expect(peakInWindow(calls, INTERVAL_MS)).toBeLessThanOrEqual(MAX);
    expect(client.limiter.waitedMs).toBeGreaterThan(0);
    expect(client.limiter.granted).toBe(250);
  });

  it('adopts a lower X-RateLimit-Max advertised by GHL', async () => {
    sim = await startGhlSimulator({ rateLimit: { max: 10, intervalMs: INTERVAL_MS } });
    const s = sim;
    const contact = s.seedContact({ firstName: 'Shared' }, { silent: true });
    const limiter = new LocalGhlRateLimiter({ max: 100, intervalMs: INTERVAL_MS });
    const client = createGhlClient({
      locationId: s.locationId,
      auth: { type: 'pit', token: s.pitToken },
      baseUrl: s.url,
      limiter,
    });
    await client.getContact(contact.id);
    expect(limiter.limits.max).toBe(10);
    await Promise.all(Array.from({ length: 24 }, () => client.getContact(contact.id)));
    const calls = s.requests.filter((r) => r.path === `/contacts/${contact.id}` && r.status === 200);
    expect(calls).toHaveLength(25);
    expect(s.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(peakInWindow(calls, INTERVAL_MS)).toBeLessThanOrEqual(10);
  });

  it('honours Retry-After after injected 429s and drops no call', async () => {
    sim = await startGhlSimulator();
    const s = sim;
    const contact = s.seedContact({ firstName: 'Limited' }, { silent: true });
    const waits: number[] = [];
    const client = createGhlClient({
      locationId: s.locationId,
      auth: { type: 'pit', token: s.pitToken },
      baseUrl: s.url,
      onCall: (info) => waits.push(info.waitedMs),
    });
    s.failNext(3, { status: 429, retryAfterSec: 1, path: new RegExp(`^/contacts/${contact.id}$`) });
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getContact(contact.id)));
    expect(results.every((c) => c.id === contact.id)).toBe(true);

    const calls = s.requests.filter((r) => r.path === `/contacts/${contact.id}`).sort((a, b) => a.at - b.at);
    const limited = calls.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(calls.filter((r) => r.status === 200)).toHaveLength(10);
    // The three retries went out only after the Retry-After second had passed (simulator arrival times).
    const firstLimited = limited[0] as GhlSimRequest;
    const retries = calls.slice(-3);
    for (const retry of retries) expect(retry.at - firstLimited.at).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(900);
  });
});
