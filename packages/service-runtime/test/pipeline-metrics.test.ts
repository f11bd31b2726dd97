import { createTestDatabase, createTestTopics, type TestDatabase, testKafka, uniqueName } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceMetrics, PgParkingStore } from '../src/index.ts';

const kafka = testKafka();
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function produce(topic: string, messages: Array<{ key: string; partition?: number }>) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: messages.map((m) => ({ ...m, value: 'x' })) });
  await producer.disconnect();
}

const sample = (text: string, name: string, labels: string) =>
  new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1];

describe('pipeline gauges', () => {
  it('show lag per partition, dead letters not redriven and parked keys of a watched group', async () => {
    const [topic] = await createTestTopics(kafka, 'lag', 2);
    const [dlq] = await createTestTopics(kafka, 'lag-dlq', 1);
    const group = uniqueName('lag-group');
    await produce(topic!, [
      { key: 'a', partition: 0 },
      { key: 'b', partition: 0 },
      { key: 'c', partition: 1 },
    ]);
    await produce(dlq!, [{ key: 'a' }, { key: 'b' }]);
    await new PgParkingStore(database.db).park(
      group,
      [
        {
          key: 'k',
          topic: topic!,
          partition: 0,
          offset: '0',
          value: null,
          headers: {},
          reason: 'retry_budget_spent',
          error: 'boom',
          attempts: 3,
        },
      ],
      new Date(Date.now() + 60_000),
    );

    const metrics = createServiceMetrics();
    metrics.watch({ group, topics: [topic!], deadLetterTopic: dlq!, kafka, db: database.db });
    const text = await metrics.registry.metrics();

    const lag = (partition: number) =>
      sample(text, 'df_consumer_lag', `group="${group}",topic="${topic}",partition="${partition}"`);
    expect([lag(0), lag(1)]).toEqual(['2', '1']);
    expect(sample(text, 'df_dead_letters_pending', `group="${group}"`)).toBe('2');
    expect(sample(text, 'df_parked_keys', `group="${group}"`)).toBe('1');
    expect(sample(text, 'df_parked_records', `group="${group}"`)).toBe('1');

    // The group commits one partition: its lag drops to what is left.
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic: topic!, partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();
    const after = createServiceMetrics();
    after.watch({ group, topics: [topic!], deadLetterTopic: dlq!, kafka, db: database.db });
    const later = await after.registry.metrics();
    expect(sample(later, 'df_consumer_lag', `group="${group}",topic="${topic}",partition="0"`)).toBe('0');
    expect(sample(later, 'df_consumer_lag', `group="${group}",topic="${topic}",partition="1"`)).toBe('1');
  });

  it("leave the series out when Kafka cannot answer for the group's topics, instead of inventing numbers", async () => {
    const metrics = createServiceMetrics();
    metrics.watch({
      group: uniqueName('missing'),
      topics: [uniqueName('no-such-topic')],
      deadLetterTopic: uniqueName('no-such-dlq'),
      kafka,
      db: database.db,
    });
    expect(await metrics.registry.metrics()).not.toMatch(/^df_consumer_lag\{/m);
  });
});
