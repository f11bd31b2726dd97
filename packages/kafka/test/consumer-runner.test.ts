import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  type ConsumerOptions,
  committedOffsets,
  DEAD_LETTER_HEADERS,
  EventProducer,
  listDeadLetters,
  PermanentError,
  RetriableError,
  type RunningConsumer,
  readTopic,
  redriveDeadLetters,
  startConsumer,
} from '@df/kafka';
import { createTestTopics, testCodec, testKafka, testStack, uniqueName, waitFor } from '@df/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface TestEvent {
  type: string;
  n: number;
  note?: string;
}

const testEventSchema = {
  type: 'object',
  properties: { type: { type: 'string' }, n: { type: 'integer' }, note: { type: 'string' } },
  required: ['type', 'n'],
};

const parse = (value: unknown): TestEvent => {
  const v = value as TestEvent;
  if (typeof v?.type !== 'string' || typeof v.n !== 'number') throw new Error('not a test event');
  return v;
};

const kafka = testKafka();
const codec = testCodec();
const producer = new EventProducer(kafka, codec);
let schemaId: number;
let running: RunningConsumer[] = [];

beforeAll(async () => {
  await producer.connect();
  schemaId = await codec.register(uniqueName('test-event-value'), testEventSchema);
});
afterEach(async () => {
  await Promise.all(running.map((c) => c.stop()));
  running = [];
});
afterAll(() => producer.disconnect());

async function topicsForTest() {
  const [topic, dlq] = await createTestTopics(kafka, 'runner', 1, 2);
  return { topic: topic!, dlq: dlq!, groupId: uniqueName('group') };
}

/** A consumer of the test's topic with its dead-letter topic; stopped after the test. */
async function consume(
  where: { topic: string; dlq: string; groupId: string },
  handlers: ConsumerOptions<TestEvent, Record<string, never>>['handlers'],
  options: Partial<ConsumerOptions<TestEvent, Record<string, never>>> = {},
) {
  running.push(
    await startConsumer({
      kafka,
      codec,
      groupId: where.groupId,
      topics: [where.topic],
      deadLetterTopic: where.dlq,
      parse,
      deps: {},
      handlers,
      ...options,
    }),
  );
}

describe('consumer runner against the real broker and registry', () => {
  it('round-trips a registry-encoded record from the producer to the handler', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    const seen: Array<{ event: TestEvent; key: string | null; header?: string }> = [];
    await consume(
      { topic, dlq, groupId },
      {
        'test.happened': async (event, _deps, record) => {
          seen.push({ event, key: record.key, header: record.headers['x-correlation-id'] });
        },
      },
    );
    await producer.publish(topic, schemaId, [
      {
        key: 'tenant:+15550001111',
        value: { type: 'test.happened', n: 1, note: 'hi' },
        headers: { 'x-correlation-id': 'c-1' },
      },
    ]);
    await waitFor('the handler to see the record', () => seen.length === 1);
    expect(seen[0]).toEqual({
      event: { type: 'test.happened', n: 1, note: 'hi' },
      key: 'tenant:+15550001111',
      header: 'c-1',
    });
    // The value on the wire is in Confluent framing: magic byte 0, then the registry's schema id.
    const [stored] = await readTopic(kafka, topic);
    expect(stored!.value![0]).toBe(0);
    expect(stored!.value!.readInt32BE(1)).toBe(schemaId);
    await waitFor(
      'the offset to be committed',
      async () => (await committedOffsets(kafka, groupId, topic)).get(0) === '1',
    );
  });

  it('refuses to publish a value its schema does not allow', async () => {
    const { topic } = await topicsForTest();
    await expect(
      producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened' } }]),
    ).rejects.toThrow();
    expect(await readTopic(kafka, topic)).toHaveLength(0);
  });

  it('retries a retriable failure with backoff and applies the effect exactly once', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    let attempts = 0;
    const effects: number[] = [];
    const retries: number[] = [];
    await consume(
      { topic, dlq, groupId },
      {
        'test.happened': async (event) => {
          attempts += 1;
          if (attempts <= 2) throw new RetriableError('upstream 503');
          effects.push(event.n);
        },
      },
      {
        retry: { baseMs: 20, maxMs: 100 },
        observer: { retrying: (_record, _error, delayMs) => retries.push(delayMs) },
      },
    );
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: 7 } }]);
    await waitFor(
      'the offset to be committed',
      async () => (await committedOffsets(kafka, groupId, topic)).get(0) === '1',
    );
    expect(attempts).toBe(3);
    expect(effects).toEqual([7]);
    expect(retries).toHaveLength(2);
    expect(retries[1]!).toBeGreaterThanOrEqual(20); // the second wait is from the doubled delay's range [20, 40]
    expect(await readTopic(kafka, dlq)).toHaveLength(0);
  });

  it('dead-letters a permanent failure with its reason and keeps processing the partition', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    const handled: number[] = [];
    await consume(
      { topic, dlq, groupId },
      {
        'test.happened': async (event) => {
          if (event.n === 1)
            throw new PermanentError('contact-without-phone', 'cannot sync a contact without a phone');
          handled.push(event.n);
        },
      },
    );
    await producer.publish(topic, schemaId, [
      { key: 'same-entity', value: { type: 'test.happened', n: 1 } },
      { key: 'same-entity', value: { type: 'test.happened', n: 2 } },
    ]);
    await waitFor('the next record to be handled', () => handled.includes(2));
    const [letter, ...more] = await readTopic(kafka, dlq);
    expect(more).toHaveLength(0);
    expect(letter!.key).toBe('same-entity');
    expect(letter!.headers[DEAD_LETTER_HEADERS.reason]).toBe('contact-without-phone');
    expect(letter!.headers[DEAD_LETTER_HEADERS.error]).toBe('cannot sync a contact without a phone');
    expect(letter!.headers[DEAD_LETTER_HEADERS.topic]).toBe(topic);
    expect(letter!.headers[DEAD_LETTER_HEADERS.partition]).toBe('0');
    expect(letter!.headers[DEAD_LETTER_HEADERS.offset]).toBe('0');
    expect(letter!.headers[DEAD_LETTER_HEADERS.group]).toBe(groupId);
    // The dead letter keeps the original bytes, so it can be redriven as it was.
    expect(await codec.decode(letter!.value!)).toEqual({ type: 'test.happened', n: 1 });
  });

  it('dead-letters records that fail validation or cannot be decoded', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    const handled: number[] = [];
    await consume(
      { topic, dlq, groupId },
      { 'test.happened': async (event) => void handled.push(event.n) },
      {
        parse: (value) => {
          const event = parse(value);
          if (event.n < 0) throw new Error('n must not be negative');
          return event;
        },
      },
    );
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: -1 } }]);
    await producer.publishRaw(topic, [{ key: 'k', value: Buffer.from('{"not":"framed"}') }]);
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: 3 } }]);
    await waitFor('the valid record to be handled', () => handled.includes(3));
    const reasons = (await readTopic(kafka, dlq)).map((r) => r.headers[DEAD_LETTER_HEADERS.reason]);
    expect(reasons).toEqual(['schema-invalid', 'undecodable']);
  });

  it('lists dead letters with their reasons and redrives them once the cause is fixed', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    let fixed = false;
    const handled: number[] = [];
    await consume(
      { topic, dlq, groupId },
      {
        'test.happened': async (event) => {
          if (!fixed) throw new PermanentError('bug-123', 'handler could not map this event');
          handled.push(event.n);
        },
      },
    );
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: 42 } }]);
    await waitFor('the dead letter', async () => (await listDeadLetters(kafka, dlq)).length === 1);
    const [letter] = await listDeadLetters(kafka, dlq);
    expect(letter).toMatchObject({
      reason: 'bug-123',
      error: 'handler could not map this event',
      attempts: 1,
    });
    expect(letter!.source).toEqual({ topic, partition: 0, offset: '0' });

    fixed = true;
    expect(await redriveDeadLetters(kafka, producer, dlq)).toBe(1);
    await waitFor('the redriven record to be handled', () => handled.includes(42));
    expect(await listDeadLetters(kafka, dlq)).toEqual([]);
    expect(await redriveDeadLetters(kafka, producer, dlq)).toBe(0);
  });

  it('commits nothing for a record whose handler was running when the process was killed', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: 5 } }]);
    const child = spawnSlowConsumer({ topic, dlq, groupId, handlerMs: 600_000 });
    await waitFor('the handler to start', () => child.output().includes('handling 5'));
    child.process.kill('SIGKILL');
    await waitFor(
      'the process to exit',
      () => child.process.exitCode !== null || child.process.signalCode !== null,
    );
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe('-1');

    // A new instance of the group gets the record again.
    const handled: number[] = [];
    await consume({ topic, dlq, groupId }, { 'test.happened': async (event) => void handled.push(event.n) });
    await waitFor('the record to be processed again', () => handled.includes(5), { timeoutMs: 45_000 });
    await waitFor(
      'the offset to be committed',
      async () => (await committedOffsets(kafka, groupId, topic)).get(0) === '1',
    );
  });

  it('on SIGTERM lets the record in flight finish, commits it and exits cleanly', async () => {
    const { topic, dlq, groupId } = await topicsForTest();
    await producer.publish(topic, schemaId, [{ key: 'k', value: { type: 'test.happened', n: 9 } }]);
    const child = spawnSlowConsumer({ topic, dlq, groupId, handlerMs: 1500 });
    await waitFor('the handler to start', () => child.output().includes('handling 9'));
    child.process.kill('SIGTERM');
    await waitFor('the process to exit', () => child.process.exitCode !== null, { timeoutMs: 30_000 });
    expect(child.process.exitCode).toBe(0);
    expect(child.output()).toContain('handled 9');
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe('1');
  });
});

function spawnSlowConsumer(opts: { topic: string; dlq: string; groupId: string; handlerMs: number }) {
  const stack = testStack();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'slow-consumer.ts')],
    {
      env: {
        ...process.env,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        TOPIC: opts.topic,
        DLQ_TOPIC: opts.dlq,
        GROUP_ID: opts.groupId,
        HANDLER_MS: String(opts.handlerMs),
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
  return { process: child, output: () => output };
}
