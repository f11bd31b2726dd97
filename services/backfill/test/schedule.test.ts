import type { Command } from '@df/contracts';
import { createLogger } from '@df/telemetry';
import { createTestDatabase, type TestDatabase, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleReconcile } from '../src/schedule.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('the scheduled reconciliation (real Postgres)', () => {
  it('requests the run again at the next check when publishing it failed, not a whole period later', async () => {
    const lines: string[] = [];
    const log = createLogger({ service: 'backfill-test' }, { write: (line) => void lines.push(line) });
    const requested: Command[] = [];
    let attempts = 0;
    const request = async (commands: Command[]) => {
      attempts += 1;
      // Kafka is away for the first attempt.
      if (attempts === 1) throw new Error('broker not available');
      requested.push(...commands);
    };
    // A period of an hour, checked every 50 ms: only the failed attempt can bring the second one this soon.
    const scheduled = scheduleReconcile(
      { db: database.db, log },
      { reconcileEveryMs: 3_600_000, reconcileHeal: false },
      'loc-schedule',
      request,
      50,
    );
    try {
      await waitFor('the run requested after the failed attempt', () => requested.length > 0, {
        timeoutMs: 5_000,
      });
    } finally {
      scheduled.stop();
    }
    expect(requested).toEqual([
      expect.objectContaining({ type: 'reconcile.requested', tenant: 'loc-schedule' }),
    ]);
    expect(lines.some((l) => l.includes('scheduled reconciliation not requested'))).toBe(true);
  });
});
