import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import {
  classifyFailure,
  type FailureDisposition,
  failureReason,
  PermanentError,
  RetriableError,
} from './errors.ts';
import { EventProducer } from './producer.ts';
import type { SchemaCodec } from './registry.ts';

/** Where a record came from; handlers get it for logging and outcomes, never to talk to Kafka. */
export interface RecordContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on the first try; more when a retriable failure made the runner call the handler again. */
  attempt: number;
}

/** A plain function: given an event and its dependencies, do the work. Throwing is how it reports failure. */
export type Handler<E, D> = (event: E, deps: D, record: RecordContext) => Promise<void>;

/** Hooks for metrics and logs; every one is optional. */
export interface ConsumerObserver {
  handled?(record: RecordContext, type: string, durationMs: number): void;
  skipped?(record: RecordContext, type: string): void;
  retrying?(record: RecordContext, error: unknown, delayMs: number): void;
  deadLettered?(record: RecordContext, reason: string, error: unknown): void;
}

export interface ConsumerOptions<E extends { type: string }, D> {
  kafka: Kafka;
  codec: SchemaCodec;
  groupId: string;
  topics: string[];
  /** Handlers by event type. A type without a handler is skipped and committed. */
  handlers: Record<string, Handler<E, D>>;
  deps: D;
  /** Validates a decoded value at the boundary; a throw sends the record to the dead-letter topic. */
  parse: (value: unknown) => E;
  /** Defaults to `<groupId>.dlq`; it must exist (declare it with the service's topics). */
  deadLetterTopic?: string;
  fromBeginning?: boolean;
  retry?: Partial<BackoffPolicy> & { maxAttempts?: number };
  classify?: (error: unknown) => FailureDisposition;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  observer?: ConsumerObserver;
}

export interface RunningConsumer {
  groupId: string;
  /** Lets the record in flight finish (or abandons its retry wait without committing), then leaves the group. */
  stop(): Promise<void>;
}

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  error: 'dlq-error',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  group: 'dlq-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * Bytes without the wire format's magic byte, or naming a schema id the registry does not know, will never
 * decode: dead-letter them. Anything else (registry unreachable, 5xx) is worth waiting for.
 */
function undecodable(error: unknown): Error {
  const e = error as { name?: string; status?: number; message?: string };
  if (e.name === 'ConfluentSchemaRegistryArgumentError' || e.status === 404) {
    return new PermanentError('undecodable', `value could not be decoded: ${e.message}`);
  }
  return new RetriableError(`schema registry unavailable: ${e.message}`, { cause: error });
}

function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return out;
}

/**
 * Runs a consumer group: decode → parse → dispatch by `type` → commit. The offset of a record is committed only
 * after its handler finished or it was dead-lettered, so a crash at any point means the record is delivered
 * again (handlers are idempotent). Retriable failures retry the same record with backoff, holding the partition
 * so later events about the same entity never overtake it; permanent failures go to the dead-letter topic with
 * the reason and the source coordinates, and the partition moves on.
 */
export async function startConsumer<E extends { type: string }, D>(
  options: ConsumerOptions<E, D>,
): Promise<RunningConsumer> {
  const policy: BackoffPolicy = {
    baseMs: options.retry?.baseMs ?? 200,
    maxMs: options.retry?.maxMs ?? 30_000,
  };
  const maxAttempts = options.retry?.maxAttempts ?? Number.POSITIVE_INFINITY;
  const classify = options.classify ?? classifyFailure;
  const deadLetterTopic = options.deadLetterTopic ?? `${options.groupId}.dlq`;
  const observer = options.observer ?? {};
  const stopSignal = new AbortController();
  let inFlight = 0;

  const deadLetters = new EventProducer(options.kafka, options.codec);
  const consumer: Consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    allowAutoTopicCreation: false,
  });

  async function deadLetter(message: KafkaMessage, record: RecordContext, error: unknown) {
    const reason = failureReason(error);
    const detail = error instanceof Error ? error.message : String(error);
    await deadLetters.publishRaw(deadLetterTopic, [
      {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DEAD_LETTER_HEADERS.reason]: reason,
          [DEAD_LETTER_HEADERS.error]: detail.slice(0, 1000),
          [DEAD_LETTER_HEADERS.topic]: record.topic,
          [DEAD_LETTER_HEADERS.partition]: String(record.partition),
          [DEAD_LETTER_HEADERS.offset]: record.offset,
          [DEAD_LETTER_HEADERS.group]: options.groupId,
          [DEAD_LETTER_HEADERS.attempts]: String(record.attempt),
          [DEAD_LETTER_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ]);
    observer.deadLettered?.(record, reason, error);
  }

  /** Sleeps `ms` unless stopping, heartbeating so a long backoff does not cost the partition. */
  async function backoff(ms: number, heartbeat: () => Promise<void>) {
    const until = Date.now() + ms;
    while (!stopSignal.signal.aborted && Date.now() < until) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000, until - Date.now()));
        stopSignal.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve(undefined);
          },
          { once: true },
        );
      });
      await heartbeat().catch(() => {});
    }
  }

  /** Returns true when the record is done (handled, skipped or dead-lettered) and its offset may be committed. */
  async function processRecord(
    message: KafkaMessage,
    record: RecordContext,
    heartbeat: () => Promise<void>,
  ): Promise<boolean> {
    let event: E;
    try {
      if (message.value === null) throw new PermanentError('empty-record', 'record has no value');
      let decoded: unknown;
      try {
        decoded = await options.codec.decode(message.value);
      } catch (error) {
        throw undecodable(error);
      }
      try {
        event = options.parse(decoded);
      } catch (error) {
        throw new PermanentError('schema-invalid', (error as Error).message);
      }
    } catch (error) {
      return handleFailure(error);
    }

    const handler = options.handlers[event.type];
    if (!handler) {
      observer.skipped?.(record, event.type);
      return true;
    }
    for (;;) {
      const started = performance.now();
      try {
        await handler(event, options.deps, record);
        observer.handled?.(record, event.type, performance.now() - started);
        return true;
      } catch (error) {
        const done = await handleFailure(error);
        if (done || stopSignal.signal.aborted) return done;
        record.attempt += 1;
      }
    }

    /** Dead-letters (true) or waits out a backoff before the next attempt (false). */
    async function handleFailure(error: unknown): Promise<boolean> {
      if (classify(error) === 'dead-letter' || record.attempt >= maxAttempts) {
        await deadLetter(message, record, error);
        return true;
      }
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      const delay = retryAfter ?? backoffDelay(record.attempt, policy);
      observer.retrying?.(record, error, delay);
      await backoff(delay, heartbeat);
      return false;
    }
  }

  await deadLetters.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      // Once stopping, records not yet started stay uncommitted; the group hands them out again.
      if (stopSignal.signal.aborted) return;
      inFlight += 1;
      try {
        await consumeOne(topic, partition, message, heartbeat);
      } finally {
        inFlight -= 1;
      }
    },
  });

  async function consumeOne(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ) {
    const record: RecordContext = {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      headers: headersAsText(message.headers),
      attempt: 1,
    };
    let done = false;
    while (!done && !stopSignal.signal.aborted) done = await processRecord(message, record, heartbeat);
    // Committing the next offset marks this record consumed; skipped when stopping mid-retry so it comes back.
    if (done)
      await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
  }

  return {
    groupId: options.groupId,
    async stop() {
      stopSignal.abort();
      // Commit what finished before leaving: kafkajs refuses commits once its own stop has begun.
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await consumer.stop();
      await consumer.disconnect();
      await deadLetters.disconnect();
    },
  };
}
