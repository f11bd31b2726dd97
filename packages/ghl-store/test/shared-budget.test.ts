import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type GhlSimRequest, type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createTestDatabase, type TestDatabase, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A scaled-down window keeps the test short; the logic is the same as GHL's 100 / 10 s.
const MAX = 20;
const INTERVAL_MS = 500;
const CALLS_PER_PROCESS = 90;
const RETRY_AFTER_SEC = 2;

let sim: GhlSimulator;
let database: TestDatabase;

beforeAll(async () => {
  sim = await startGhlSimulator({ rateLimit: { max: MAX, intervalMs: INTERVAL_MS } });
  database = await createTestDatabase();
});
afterAll(async () => {
  await sim.close();
  await database.drop();
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

function spawnHammer(contactId: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'hammer.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        SIM_URL: sim.url,
        LOCATION_ID: sim.locationId,
        PIT_TOKEN: sim.pitToken,
        CONTACT_ID: contactId,
        CALLS: String(CALLS_PER_PROCESS),
        MAX: String(MAX),
        INTERVAL_MS: String(INTERVAL_MS),
      },
    },
  ) as ChildProcessWithoutNullStreams;
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

describe('one GHL budget per location across processes (Postgres)', () => {
  it('two processes hammering one location stay within the window, honour a 429 together and drop nothing', async () => {
    const contact = sim.seedContact({ firstName: 'Shared' }, { silent: true });
    const path = `/contacts/${contact.id}`;
    const hammers = [spawnHammer(contact.id), spawnHammer(contact.id)];
    for (const h of hammers) await waitFor('a process to be ready', () => h.output().includes('ready'));
    for (const h of hammers) h.child.stdin.write('go\n');

    // Mid-run, GHL answers one request 429 with Retry-After: every process must hold off, not just the one told.
    await waitFor('the run to be under way', () => sim.requests.filter((r) => r.path === path).length >= 50);
    sim.failNext(1, { status: 429, retryAfterSec: RETRY_AFTER_SEC, path: new RegExp(`^${path}$`) });

    for (const h of hammers)
      await waitFor('a process to finish', () => h.child.exitCode !== null, { timeoutMs: 45_000 });
    const outcomes = hammers.map((h) => JSON.parse(h.output().trim().split('\n').at(-1) as string));
    expect(outcomes.map((o) => o.ok)).toEqual([CALLS_PER_PROCESS, CALLS_PER_PROCESS]);
    // The daily budget gauge: what GHL reported on the last response.
    for (const o of outcomes) expect(o.daily.limit).toBe(200_000);

    const calls = sim.requests.filter((r) => r.path === path).sort((a, b) => a.at - b.at);
    const limited = calls.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1); // the injected one: the simulator's own limiter never had to refuse
    expect(calls.filter((r) => r.status === 200)).toHaveLength(2 * CALLS_PER_PROCESS);
    expect(peakInWindow(calls, INTERVAL_MS)).toBeLessThanOrEqual(MAX);

    // Honoured by both processes: past the requests already on the wire when it came, nothing arrives until
    // Retry-After has passed.
    const at = (limited[0] as GhlSimRequest).at;
    const duringPause = calls.filter((r) => r.at > at + 500 && r.at < at + RETRY_AFTER_SEC * 1000);
    expect(duringPause).toEqual([]);
    expect(calls.filter((r) => r.at >= at + RETRY_AFTER_SEC * 1000).length).toBeGreaterThan(0);
  });
});
