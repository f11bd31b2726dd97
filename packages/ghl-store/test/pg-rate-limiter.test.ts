import { PgGhlRateLimiter } from '@df/ghl-store';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('PgGhlRateLimiter', () => {
  it('gets back the slot of a process that died holding it once its lease expires', async () => {
    const limits = { db: database.db, key: 'CrashedLocation00001', max: 1, intervalMs: 200, leaseMs: 1_000 };
    const crashed = new PgGhlRateLimiter(limits);
    await crashed.acquire(); // never released: the process is gone
    const survivor = new PgGhlRateLimiter(limits);
    const started = Date.now();
    const grant = await survivor.acquire();
    // Not before the lease ran out (on the database's clock, so allow for a little skew against ours).
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await grant.release();
  });

  it('shares a Retry-After pause between instances', async () => {
    const limits = { db: database.db, key: 'PausedLocation000001', max: 10, intervalMs: 200 };
    const told = new PgGhlRateLimiter(limits);
    const other = new PgGhlRateLimiter(limits);
    await (await told.acquire()).release();
    await told.pause(800);
    const started = Date.now();
    await (await other.acquire()).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('adopts a lower X-RateLimit-Max for every instance of the budget', async () => {
    const limits = { db: database.db, key: 'AdvertisedLocation01', max: 5, intervalMs: 1_500 };
    const first = new PgGhlRateLimiter(limits);
    await (await first.acquire()).release(new Headers({ 'x-ratelimit-max': '2' }));
    const budget = database.db.selectFrom('ghl_rate_budgets').select('max_requests');
    expect(await budget.where('budget_key', '=', limits.key).executeTakeFirst()).toEqual({ max_requests: 2 });
    const second = new PgGhlRateLimiter(limits);
    await (await second.acquire()).release();
    // Two requests in this window already: with 5 slots a third would go now; with 2 it waits for the window.
    const started = Date.now();
    await (await second.acquire()).release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
