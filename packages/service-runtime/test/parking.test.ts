import { committedOffsets, DEAD_LETTER_HEADERS, PermanentError, RetriableError, readTopic } from '@df/kafka';
import { PgParkingStore } from '@df/service-runtime';
import { createTestDatabase, runnerHarness, type TestDatabase, waitFor } from '@df/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const h = runnerHarness();
let database: TestDatabase;
beforeAll(async () => {
  await h.setup();
  database = await createTestDatabase();
});
afterEach(() => h.stopAll());
afterAll(async () => {
  await h.teardown();
  await database.drop();
});

const parkedRows = (group: string) =>
  database.db
    .selectFrom('consumer_parked_records')
    .select(['key', 'offset', 'reason', 'attempts'])
    .where('group_id', '=', group)
    .orderBy('id')
    .execute();

const committedTo = async (groupId: string, topic: string) =>
  (await committedOffsets(h.kafka, groupId, topic)).get(0);

describe('parking a key in Postgres (real broker, real database)', () => {
  it('parks a failing key with its later records while other keys of the partition complete; a release runs them in order', async () => {
    const where = await h.topics();
    let fixed = false;
    const handled: string[] = [];
    await h.publish(where.topic, [
      { key: 'bad', n: 0 },
      { key: 'good', n: 1 },
      { key: 'bad', n: 2 },
      { key: 'good', n: 3 },
    ]);
    const consumer = await h.consume(where, {
      parking: new PgParkingStore(database.db),
      parkedRetryIntervalMs: 600_000, // only the operator's release below may run the parked key
      retry: { baseMs: 5, maxMs: 20, maxAttempts: 2 },
      handlers: {
        'test.happened': async (event, _deps, record) => {
          if (record.key === 'bad' && !fixed) throw new RetriableError('GHL 503');
          handled.push(`${record.key}:${event.n}`);
        },
      },
    });
    await waitFor(
      'the partition to be committed past the parked key',
      async () => (await committedTo(where.groupId, where.topic)) === '4',
    );
    expect(handled).toEqual(['good:1', 'good:3']);
    expect(await parkedRows(where.groupId)).toEqual([
      { key: 'bad', offset: '0', reason: 'RetriableError', attempts: 2 },
      { key: 'bad', offset: '2', reason: 'behind-parked-key', attempts: 1 },
    ]);

    // What `npm run parked -- list` shows an operator.
    expect(await new PgParkingStore(database.db).list(where.groupId)).toMatchObject([
      { key: 'bad', records: 2, retries: 0, last_error: 'GHL 503' },
    ]);

    // A record arriving while the key is parked queues behind it instead of overtaking.
    await h.publish(where.topic, [{ key: 'bad', n: 4 }]);
    await waitFor(
      'the new record to queue behind',
      async () => (await parkedRows(where.groupId)).length === 3,
    );
    expect(handled).toEqual(['good:1', 'good:3']);

    fixed = true;
    expect(await consumer.releaseParked('bad')).toBe(true);
    expect(handled).toEqual(['good:1', 'good:3', 'bad:0', 'bad:2', 'bad:4']);
    expect(await parkedRows(where.groupId)).toEqual([]);
    expect(await new PgParkingStore(database.db).parkedAmong(where.groupId, ['bad'])).toEqual(new Set());

    // Released, the key flows like any other again.
    await h.publish(where.topic, [{ key: 'bad', n: 5 }]);
    await waitFor('the next record of the released key', () => handled.includes('bad:5'));
    expect(await readTopic(h.kafka, where.dlq)).toHaveLength(0);
  });

  it('retries a parked key on its schedule; a permanent failure there is dead-lettered and the rest runs', async () => {
    const where = await h.topics();
    let upstreamUp = false;
    const handled: number[] = [];
    await h.publish(where.topic, [
      { key: 'k', n: 0 },
      { key: 'k', n: 1 },
      { key: 'k', n: 2 },
    ]);
    await h.consume(where, {
      parking: new PgParkingStore(database.db),
      parkedRetryIntervalMs: 100,
      retry: { baseMs: 5, maxMs: 20, maxAttempts: 2 },
      handlers: {
        'test.happened': async (event) => {
          if (!upstreamUp) throw new RetriableError('GHL 503');
          if (event.n === 1) throw new PermanentError('contact-without-phone', 'no phone to sync by');
          handled.push(event.n);
        },
      },
    });
    await waitFor(
      'the key to be parked with all three records',
      async () => (await parkedRows(where.groupId)).length === 3,
    );
    upstreamUp = true;
    await waitFor(
      'the schedule to drain the key',
      async () => (await parkedRows(where.groupId)).length === 0,
    );
    expect(handled).toEqual([0, 2]);
    const letters = await readTopic(h.kafka, where.dlq);
    expect(
      letters.map((l) => [l.headers[DEAD_LETTER_HEADERS.offset], l.headers[DEAD_LETTER_HEADERS.reason]]),
    ).toEqual([['1', 'contact-without-phone']]);
  });
});
