import { LocalGhlRateLimiter } from '@df/ghl-client';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetShareLimiter } from '../src/budget-share.ts';
import { advance, claimScheduled, finishRun, readWatermark, startRun } from '../src/watermark.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('the watermark in sync_state', () => {
  it('is kept per tenant, and a run superseded by a newer one no longer moves it', async () => {
    const db = database.db;
    await startRun(db, 'ghl-contacts', 'loc-a', 'run-1');
    await startRun(db, 'ghl-contacts', 'loc-b', 'run-b');
    await advance(db, 'ghl-contacts', 'loc-a', 'run-1', { cursor: [1, 'x'], counts: { published: 100 } });
    expect(await readWatermark(db, 'ghl-contacts', 'loc-a')).toMatchObject({
      runId: 'run-1',
      cursor: [1, 'x'],
      counts: { published: 100 },
      finishedAt: null,
    });
    await startRun(db, 'ghl-contacts', 'loc-a', 'run-2');
    await advance(db, 'ghl-contacts', 'loc-a', 'run-1', { cursor: [2, 'y'], counts: { published: 200 } });
    await finishRun(db, 'ghl-contacts', 'loc-a', 'run-1');
    expect(await readWatermark(db, 'ghl-contacts', 'loc-a')).toMatchObject({
      runId: 'run-2',
      cursor: null,
      counts: {},
      finishedAt: null,
    });
    expect((await readWatermark(db, 'ghl-contacts', 'loc-b'))?.runId).toBe('run-b');
    const rows = await db
      .selectFrom('sync_state')
      .select(['tenant', 'entity_type'])
      .where('direction', '=', 'backfill')
      .execute();
    expect(rows.map((r) => r.tenant).sort()).toEqual(['loc-a', 'loc-b']);
  });

  it('gives a scheduled run to one of several instances claiming it at once', async () => {
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimScheduled(database.db, 'reconcile', 'loc-c', 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimScheduled(database.db, 'reconcile', 'loc-c', 60_000)).toBe(false);
  });

  it("keeps list-sync's rebuild claim working beside the new columns", async () => {
    await database.db
      .insertInto('sync_state')
      .values({ direction: 'list-sync', entity_type: 'rebuild:loc-d:hot', last_run_at: new Date() })
      .onConflict((oc) => oc.columns(['direction', 'entity_type']).doUpdateSet({ last_run_at: new Date() }))
      .execute();
    const row = await database.db
      .selectFrom('sync_state')
      .select(['tenant', 'run_id'])
      .where('entity_type', '=', 'rebuild:loc-d:hot')
      .executeTakeFirst();
    expect(row).toEqual({ tenant: '', run_id: null });
  });
});

describe('BudgetShareLimiter', () => {
  it('grants bulk work its share of a window and leaves the rest to live callers of the same budget', async () => {
    const location = new LocalGhlRateLimiter({ max: 10, intervalMs: 2_000 });
    const bulk = new BudgetShareLimiter(location, { db: database.db, locationId: 'share-loc', share: 0.3 });
    const granted: number[] = [];
    const bulkCalls = Array.from({ length: 4 }, () =>
      bulk.acquire().then(async (grant) => {
        granted.push(Date.now());
        await grant.release();
      }),
    );
    // Live callers get the seven slots the bulk share cannot take, without waiting for a window.
    const started = Date.now();
    const live = await Promise.all(Array.from({ length: 7 }, () => location.acquire()));
    expect(Date.now() - started).toBeLessThan(1_000);
    await Promise.all(live.map((g) => g.release()));
    await Promise.all(bulkCalls);
    // Three bulk calls in the first window, the fourth only in the next.
    const sorted = granted.sort((a, b) => a - b);
    expect(sorted[3]! - sorted[0]!).toBeGreaterThanOrEqual(1_800);
  });
});
