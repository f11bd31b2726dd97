import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from './dead-letter.ts';
import type { EventProducer } from './producer.ts';

export interface DeadLetter {
  /** The letter's offset in its dead-letter topic (one partition): what names it for a redrive. */
  offset: string;
  key: string | null;
  reason: string;
  error: string;
  source: { topic: string; partition: number; offset: string };
  failedAt: string;
  attempts: number;
}

/** Which dead letters a redrive puts back; every given field must match (none: all of them). */
export interface DeadLetterFilter {
  offsets?: readonly string[];
  reason?: string;
  sourceTopic?: string;
}

/**
 * A letter redriven out of order (a filtered redrive) is remembered by a marker record appended to the
 * dead-letter topic itself, naming its offset: Kafka stays the one place that knows what was redriven.
 */
const REDRIVEN_HEADER = 'dlq-redriven-offset';
// Dead-letter topics have one partition (topics.ts), so an offset names a letter.
const PARTITION = 0;

function text(headers: IHeaders | undefined, name: string): string {
  const value = headers?.[name];
  return value === undefined ? '' : String(Array.isArray(value) ? value[0] : value);
}

const redriveGroupOf = (deadLetterTopic: string) => `${deadLetterTopic}.redrive`;

interface PendingLetters {
  letters: KafkaMessage[];
  /** The topic's end when it was read: every letter below it not in `letters` is redriven. */
  end: bigint;
}

/**
 * The dead letters not redriven yet: read from the redrive group's committed position (below it everything
 * is redriven) to the current end, minus the letters a marker names. Reads with a throwaway group started at
 * that position, so any number of readers and redrives can run at once.
 */
async function pendingLetters(kafka: Kafka, topic: string): Promise<PendingLetters> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: redriveGroupOf(topic), topics: [topic] }),
    ]);
    const bounds = ends.find((p) => p.partition === PARTITION);
    const end = BigInt(bounds?.high ?? '0');
    const done = BigInt(committed[0]?.partitions.find((p) => p.partition === PARTITION)?.offset ?? '-1');
    const start = done >= 0n ? done : BigInt(bounds?.low ?? '0');
    if (start >= end) return { letters: [], end };

    const records = await readRange(kafka, topic, start, end);
    const redriven = new Set(records.map((r) => text(r.headers, REDRIVEN_HEADER)).filter(Boolean));
    const letters = records.filter((r) => !text(r.headers, REDRIVEN_HEADER) && !redriven.has(r.offset));
    return { letters, end };
  } finally {
    await admin.disconnect();
  }
}

async function readRange(kafka: Kafka, topic: string, start: bigint, end: bigint): Promise<KafkaMessage[]> {
  const records: KafkaMessage[] = [];
  // A group of its own that commits nothing: no reader waits for another, whoever else reads the topic.
  const consumer = kafka.consumer({
    groupId: `${redriveGroupOf(topic)}-read-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            const offset = BigInt(message.offset);
            if (offset >= start && offset < end) records.push(message);
            if (offset + 1n >= end) resolve();
          },
        })
        .catch(reject);
      consumer.seek({ topic, partition: PARTITION, offset: String(start) });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function toDeadLetter(message: KafkaMessage): DeadLetter {
  return {
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
  };
}

/** Whether a dead letter is one the filter selects. */
export function matchesDeadLetterFilter(letter: DeadLetter, filter: DeadLetterFilter = {}): boolean {
  if (filter.offsets && !filter.offsets.includes(letter.offset)) return false;
  if (filter.reason !== undefined && letter.reason !== filter.reason) return false;
  if (filter.sourceTopic !== undefined && letter.source.topic !== filter.sourceTopic) return false;
  return true;
}

/** The dead letters not redriven yet, oldest first, with why each one failed and where it came from. */
export async function listDeadLetters(kafka: Kafka, deadLetterTopic: string): Promise<DeadLetter[]> {
  const { letters } = await pendingLetters(kafka, deadLetterTopic);
  return letters.map(toDeadLetter);
}

/**
 * Puts the dead letters not redriven yet that the filter selects (all by default) back on the topics they
 * came from, byte for byte (same key, so the same partition), oldest first, and returns how many.
 * Each one is then marked redriven, so a later redrive, filtered or not, skips it; the redrive group's position
 * moves past the letters that are all redriven, so reads start there. Dying between a letter's publish and its
 * marker redrives that letter again next time: consumers are idempotent, so that is a redelivery they have
 * already handled, as it is for the other groups reading the source topic.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  producer: EventProducer,
  deadLetterTopic: string,
  filter: DeadLetterFilter = {},
): Promise<number> {
  const { letters } = await pendingLetters(kafka, deadLetterTopic);
  const chosen = letters.filter((m) => matchesDeadLetterFilter(toDeadLetter(m), filter));
  for (const message of chosen) {
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).filter(([name]) => !name.startsWith('dlq-')),
    ) as IHeaders;
    headers['x-redriven-from'] = deadLetterTopic;
    await producer.publishRaw(text(message.headers, DEAD_LETTER_HEADERS.topic), [
      { key: message.key, value: message.value, headers },
    ]);
    await producer.publishRaw(deadLetterTopic, [
      { key: message.key, value: null, headers: { [REDRIVEN_HEADER]: message.offset } },
    ]);
  }
  // Read again, markers included, so that with nothing left the position is the end: the backlog
  // (end - position) that metrics and alerts watch is then zero.
  const after = await pendingLetters(kafka, deadLetterTopic);
  const firstLeft = after.letters[0];
  await moveRedrivePosition(kafka, deadLetterTopic, firstLeft ? BigInt(firstLeft.offset) : after.end);
  return chosen.length;
}

/**
 * Everything below `position` is redriven. Two redrives at once may each set it; either value is right, as
 * each only counts letters it saw redriven (a lower one just re-reads markers). Committed as admin.setOffsets
 * does (a paused member seeks), without its 5 s wait for a fetch that returns nothing. The position only
 * saves reading: when another redrive holds the group (this member gets no partition), it is left as it is.
 */
async function moveRedrivePosition(kafka: Kafka, topic: string, position: bigint) {
  const consumer = kafka.consumer({ groupId: redriveGroupOf(topic), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const giveUp = setTimeout(resolve, 10_000);
      consumer.on(consumer.events.FETCH, () => {
        clearTimeout(giveUp);
        resolve();
      });
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
      consumer.pause([{ topic }]);
      consumer.seek({ topic, partition: PARTITION, offset: String(position) });
    });
  } finally {
    await consumer.disconnect();
  }
}
