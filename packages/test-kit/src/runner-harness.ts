import { type ConsumerOptions, EventProducer, type RunningConsumer, startConsumer } from '@df/kafka';
import { createTestTopics, testCodec, testKafka } from './fixtures.ts';
import { uniqueName } from './stack.ts';

export interface TestEvent {
  type: string;
  n: number;
  note?: string;
}

const testEventSchema = {
  type: 'object',
  properties: { type: { type: 'string' }, n: { type: 'integer' }, note: { type: 'string' } },
  required: ['type', 'n'],
};

export const parseTestEvent = (value: unknown): TestEvent => {
  const v = value as TestEvent;
  if (typeof v?.type !== 'string' || typeof v.n !== 'number') throw new Error('not a test event');
  return v;
};

export type TestOptions = Partial<ConsumerOptions<TestEvent, Record<string, never>>>;

/** Real broker and registry, uniquely named topics and groups, consumers stopped by `stopAll`. */
export function runnerHarness() {
  const kafka = testKafka();
  const codec = testCodec();
  const producer = new EventProducer(kafka, codec);
  let schemaId = 0;
  const running: RunningConsumer[] = [];
  return {
    kafka,
    codec,
    producer,
    async setup() {
      await producer.connect();
      schemaId = await codec.register(uniqueName('test-event-value'), testEventSchema);
    },
    async stopAll() {
      await Promise.all(running.splice(0).map((c) => c.stop()));
    },
    teardown: () => producer.disconnect(),
    async topics(partitions = 1) {
      const [topic, dlq] = await createTestTopics(kafka, 'runner', partitions, 2);
      return { topic: topic!, dlq: dlq!, groupId: uniqueName('group') };
    },
    publish(topic: string, records: Array<{ key: string; n: number; note?: string }>) {
      return producer.publish(
        topic,
        schemaId,
        records.map(({ key, n, note }) => ({
          key,
          value: { type: 'test.happened', n, ...(note ? { note } : {}) },
        })),
      );
    },
    async consume(where: { topic: string; dlq: string; groupId: string }, options: TestOptions) {
      const consumer = await startConsumer({
        kafka,
        codec,
        groupId: where.groupId,
        topics: [where.topic],
        deadLetterTopic: where.dlq,
        parse: parseTestEvent,
        deps: {},
        ...options,
      });
      running.push(consumer);
      return consumer;
    },
  };
}

/** A promise with its resolve exposed: a handler waits on it until the test lets it go. */
export function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
