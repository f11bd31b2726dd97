import type { IHeaders, Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from './dead-letter.ts';
import type { EventProducer } from './producer.ts';

export interface DeadLetter {
  offset: string;
  key: string | null;
  reason: string;
  error: string;
  source: { topic: string; partition: number; offset: string };
  failedAt: string;
  attempts: number;
}

function text(headers: IHeaders | undefined, name: string): string {
  const value = headers?.[name];
  return value === undefined ? '' : String(Array.isArray(value) ? value[0] : value);
}

/**
 * Reads a dead-letter topic from `redriveGroup`'s committed position (everything not redriven yet) to its
 * current end, calling `visit` for each record; commits the position only when `commit` is set.
 */
async function walkDeadLetters(
  kafka: Kafka,
  topic: string,
  redriveGroup: string,
  visit: (message: {
    key: Buffer | null;
    value: Buffer | null;
    headers?: IHeaders;
    offset: string;
  }) => Promise<void>,
  commit: boolean,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId: redriveGroup, topics: [topic] }),
  ]);
  await admin.disconnect();
  const committedAt = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  // Where this walk starts per partition: after what was redriven already, else the oldest record kept.
  const pending = new Map<number, bigint>();
  for (const { partition, low, high } of ends) {
    const done = committedAt.get(partition) ?? -1n;
    const from = done >= 0n ? done : BigInt(low);
    if (BigInt(high) > from) pending.set(partition, BigInt(high));
  }
  if (pending.size === 0) return 0;

  let seen = 0;
  const consumer = kafka.consumer({ groupId: redriveGroup, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = pending.get(partition);
            if (end === undefined) return;
            await visit(message);
            seen += 1;
            const next = BigInt(message.offset) + 1n;
            if (commit) await consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
            if (next >= end) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const redriveGroupOf = (deadLetterTopic: string) => `${deadLetterTopic}.redrive`;

/** The dead letters not redriven yet, with why each one failed and where it came from. */
export async function listDeadLetters(kafka: Kafka, deadLetterTopic: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  await walkDeadLetters(
    kafka,
    deadLetterTopic,
    redriveGroupOf(deadLetterTopic),
    async (message) => {
      letters.push({
        offset: message.offset,
        key: message.key?.toString() ?? null,
        reason: text(message.headers, DEAD_LETTER_HEADERS.reason),
        error: text(message.headers, DEAD_LETTER_HEADERS.error),
        source: {
          topic: text(message.headers, DEAD_LETTER_HEADERS.topic),
          partition: Number(text(message.headers, DEAD_LETTER_HEADERS.partition)),
          offset: text(message.headers, DEAD_LETTER_HEADERS.offset),
        },
        failedAt: text(message.headers, DEAD_LETTER_HEADERS.failedAt),
        attempts: Number(text(message.headers, DEAD_LETTER_HEADERS.attempts)),
      });
    },
    false,
  );
  return letters;
}

/**
 * Puts every dead letter not redriven yet back on the topic it came from, byte for byte (same key, so the
 * same partition), and remembers how far it got. Consumers are idempotent, so other groups reading that
 * topic see a redelivery they have already handled.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  producer: EventProducer,
  deadLetterTopic: string,
): Promise<number> {
  return walkDeadLetters(
    kafka,
    deadLetterTopic,
    redriveGroupOf(deadLetterTopic),
    async (message) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')),
      ) as IHeaders;
      headers['x-redriven-from'] = deadLetterTopic;
      await producer.publishRaw(text(message.headers, DEAD_LETTER_HEADERS.topic), [
        { key: message.key, value: message.value, headers },
      ]);
    },
    true,
  );
}
