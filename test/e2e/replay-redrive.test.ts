import { EventEnvelope, TOPICS } from '@df/contracts';
import { type EventProducer, listDeadLetters, PermanentError, readTopic } from '@df/kafka';
import { redrive } from '@df/replay-service';
import { defineConsumer, type Infrastructure, type RunningServiceConsumer } from '@df/service-runtime';
import { waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEventBus, type TestEventBus } from './event-bus.ts';
import { contactEvent, publish } from './rebuild-history.ts';

let infra: Infrastructure;
let producer: EventProducer;
let close: TestEventBus['close'];
let consumer: RunningServiceConsumer;

beforeAll(async () => {
  ({ infra, producer, close } = await startTestEventBus('replay-redrive', 2));
});
afterAll(async () => {
  await consumer?.stop();
  await close();
});

describe('redrive (real Kafka, registry, Postgres)', () => {
  it('two redrives of one group at once put each dead letter back once', async () => {
    const handled: string[] = [];
    let fixed = false;
    consumer = await defineConsumer<EventEnvelope, null>({
      group: 'ghl-app',
      topics: [TOPICS.ghl],
      parse: (value) => EventEnvelope.parse(value),
      handlers: {
        'contact.updated': async (event) => {
          if (!fixed) throw new PermanentError('bug', `cannot handle ${event.entity.id}`);
          handled.push(event.id);
        },
      },
      deps: () => null,
    }).start(infra);
    const events = [contactEvent(1, 1), contactEvent(2, 2), contactEvent(3, 3)];
    await publish(infra, producer, events);
    const dlq = `${infra.topicPrefix}ghl-app.dlq`;
    await waitFor('three dead letters', async () => (await listDeadLetters(infra.kafka, dlq)).length === 3);
    fixed = true;

    // An operator's CLI and a command (or two instances of the replay service) at the same moment.
    const [a, b] = await Promise.all([redrive(infra, 'ghl-app'), redrive(infra, 'ghl-app')]);
    expect(a.redriven + b.redriven).toBe(3);
    const back = (await readTopic(infra.kafka, `${infra.topicPrefix}${TOPICS.ghl}`)).filter(
      (r) => r.headers['x-redriven-from'] === dlq,
    );
    expect(back).toHaveLength(3);
    await waitFor('every letter processed', () => handled.length === 3);
    expect(await listDeadLetters(infra.kafka, dlq)).toEqual([]);
  });
});
