import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { committedOffsets, readTopic } from '@df/kafka';
import { createTestDatabase, runnerHarness, type TestDatabase, testStack, waitFor } from '@df/test-kit';
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

const rows = () =>
  database.db
    .selectFrom('sync_state')
    .select('entity_type')
    .where('direction', '=', 'shutdown-test')
    .orderBy('entity_type')
    .execute();

describe('ordered shutdown', () => {
  it('on SIGTERM with handlers inside database transactions dead-letters nothing and the next process does it all', async () => {
    const where = await h.topics();
    await h.publish(where.topic, [
      { key: 'a', n: 1 },
      { key: 'b', n: 2 },
      { key: 'c', n: 3 },
    ]);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'transactional-consumer.ts')],
      {
        env: {
          ...process.env,
          KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
          SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
          DATABASE_URL: database.url,
          TOPIC: where.topic,
          DLQ_TOPIC: where.dlq,
          GROUP_ID: where.groupId,
          HANDLER_MS: '600000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    await waitFor('three handlers inside their transactions', () =>
      [1, 2, 3].every((n) => output.includes(`handling ${n}`)),
    );
    child.kill('SIGTERM');
    await waitFor('the process to exit', () => child.exitCode !== null, { timeoutMs: 30_000 });

    expect(await readTopic(h.kafka, where.dlq)).toHaveLength(0);
    expect((await committedOffsets(h.kafka, where.groupId, where.topic)).get(0)).toBe('-1');
    expect(await rows()).toEqual([]); // the open transactions rolled back with their connections

    await h.consume(where, {
      handlers: {
        'test.happened': async (event) => {
          await database.db
            .insertInto('sync_state')
            .values({ direction: 'shutdown-test', entity_type: `n-${event.n}` })
            .onConflict((oc) => oc.doNothing())
            .execute();
        },
      },
    });
    await waitFor(
      'the next process to commit everything',
      async () => (await committedOffsets(h.kafka, where.groupId, where.topic)).get(0) === '3',
      { timeoutMs: 45_000 },
    );
    expect(await rows()).toEqual([{ entity_type: 'n-1' }, { entity_type: 'n-2' }, { entity_type: 'n-3' }]);
  }, 90_000);
});
