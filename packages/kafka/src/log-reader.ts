import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { headersAsText } from './decode.ts';

/** `topic:partition` → offset. */
export type LogPositions = Map<string, bigint>;

export const positionKey = (topic: string, partition: number) => `${topic}:${partition}`;

export interface LogRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** The broker's timestamp (ms), what "from T" compares with. */
  timestamp: number;
}

/** Each partition's high-water mark: the offset the next record will get. */
export async function logEnds(kafka: Kafka, topics: readonly string[]): Promise<LogPositions> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: LogPositions = new Map();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic))
        ends.set(positionKey(topic, p.partition), BigInt(p.high));
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Where each partition starts: its oldest record kept, or the first record at or after `from`. */
export async function logStarts(kafka: Kafka, topics: readonly string[], from?: Date): Promise<LogPositions> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const starts: LogPositions = new Map();
    for (const topic of topics) {
      const low = await admin.fetchTopicOffsets(topic);
      const at = from ? await admin.fetchTopicOffsetsByTimestamp(topic, from.getTime()) : [];
      for (const p of low) {
        // No record at or after T: the partition's end (nothing to read), which Kafka answers as -1.
        const found = at.find((a) => a.partition === p.partition)?.offset;
        const offset = from ? (found === undefined || found === '-1' ? p.high : found) : p.low;
        starts.set(positionKey(topic, p.partition), BigInt(offset));
      }
    }
    return starts;
  } finally {
    await admin.disconnect();
  }
}

export interface LogReader {
  /** Every partition's offset below which every record has been handed to `apply` and applied. */
  applied(): LogPositions;
  /** Resolves once every partition has applied everything below `ends`; records at or past them are never applied. */
  stopAt(ends: LogPositions): Promise<void>;
  /** Resolves once every partition has applied everything below `ends` (the reader keeps going). */
  reached(ends: LogPositions): Promise<void>;
  close(): Promise<void>;
}

function covers(applied: LogPositions, ends: LogPositions): boolean {
  for (const [key, end] of ends) if ((applied.get(key) ?? 0n) < end) return false;
  return true;
}

/**
 * Reads topics from given positions, outside every real consumer group: a throwaway group that commits
 * nothing, deleted on close. Records go to `apply` in log order per
 * partition, a fetched batch at a time; partitions run concurrently. Nothing here writes to Kafka.
 */
export async function startLogReader(
  kafka: Kafka,
  options: {
    topics: readonly string[];
    starts: LogPositions;
    groupPrefix: string;
    apply: (records: LogRecord[]) => Promise<void>;
    partitionsConcurrently?: number;
  },
): Promise<LogReader> {
  const groupId = `${options.groupPrefix}${randomUUID()}`;
  const applied: LogPositions = new Map(options.starts);
  let limits: LogPositions | null = null;
  let failure: unknown;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 8 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 3,
    eachBatch: async ({ batch, heartbeat }) => {
      const key = positionKey(batch.topic, batch.partition);
      const limit = limits?.get(key);
      const from = applied.get(key) ?? 0n;
      const records: LogRecord[] = [];
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        if (offset < from || (limit !== undefined && offset >= limit)) continue;
        records.push({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key?.toString() ?? null,
          value: m.value,
          headers: headersAsText(m.headers),
          timestamp: Number(m.timestamp),
        });
      }
      if (records.length === 0) return;
      try {
        await options.apply(records);
      } catch (error) {
        failure = error;
        wake();
        throw error;
      }
      applied.set(key, BigInt(records.at(-1)!.offset) + 1n);
      wake();
      await heartbeat();
    },
  });
  // Positions by seek (kafkajs takes them only once running): a batch fetched before a seek applies is cut
  // by the offsets above, so nothing below a start is ever applied.
  for (const [key, offset] of options.starts) {
    const at = key.lastIndexOf(':');
    consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset) });
  }
  const until = (ends: LogPositions) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (failure !== undefined) reject(failure);
        else if (covers(applied, ends)) resolve();
        else return;
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    applied: () => new Map(applied),
    reached: until,
    stopAt(ends) {
      limits = ends;
      return until(ends);
    },
    async close() {
      await consumer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      // Only tidiness: a group with no members and no offsets expires anyway.
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.disconnect();
    },
  };
}
