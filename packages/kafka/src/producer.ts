import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { RetriableError } from './errors.ts';
import type { SchemaCodec } from './registry.ts';
import { withTraceHeaders } from './trace-context.ts';

export interface OutgoingRecord {
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

type Message = { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders };

interface Pending {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface ProducerLimits {
  /**
   * Bytes of record values one produce request carries at most. The broker's `max.message.bytes` (1 MiB by
   * default) applies to a partition's batch in one request, so publishes grouped together must stay under it.
   */
  maxRequestBytes: number;
  /** Bytes waiting for Kafka at most; beyond it publishes are refused at once (callers spool them). */
  maxQueuedBytes: number;
}

export const DEFAULT_PRODUCER_LIMITS: ProducerLimits = {
  maxRequestBytes: 900_000,
  maxQueuedBytes: 64 * 1024 * 1024,
};

/** Publishes waiting while one request is in flight go out together in the next one (up to the limits). */
const MAX_PUBLISHES_PER_REQUEST = 500;

// Kafka refuses these for what a request carries: in a request shared by several publishes, one of them is
// at fault, not all.
const RECORD_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function isRecordError(error: unknown): boolean {
  for (let e = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if (RECORD_ERRORS.has((e as { type?: string }).type ?? '')) return true;
  }
  return false;
}

const sizeOf = (messages: Message[]) =>
  messages.reduce((sum, m) => sum + (m.value?.length ?? 0) + (m.key?.length ?? 0), 0);

/**
 * The one way records are written: idempotent producer, `acks=all`, values encoded through the registry.
 * `publish` resolves only once Kafka has acknowledged every record, which is what "durable" means here.
 *
 * Group commit: one produce request is in flight at a time (which keeps order with idempotence); whatever
 * callers publish meanwhile is sent together in the next request, so concurrent webhooks share round trips
 * instead of queueing behind each other one by one.
 *
 * Invariant: after a failed request the kafkajs producer is replaced. kafkajs rolls back the idempotent
 * sequence numbers of every partition in a failed request, also of those the broker wrote; the next request
 * would then reuse them, and the broker would acknowledge it as a duplicate without writing it. A new producer
 * has a new producer id, so its sequences cannot collide.
 */
export class EventProducer {
  private producer: Producer;
  private connected: Promise<void> | undefined;
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private sending = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: SchemaCodec,
    private readonly limits: ProducerLimits = DEFAULT_PRODUCER_LIMITS,
  ) {
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    // Idempotence makes broker-side retries safe (no duplicates, no reordering within a partition).
    return this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  disconnect(): Promise<void> {
    this.connected = undefined;
    return this.producer.disconnect();
  }

  /** Drops the producer after a failed request (see the class comment); the next send connects a new one. */
  private replaceProducer(): void {
    const failed = this.producer;
    this.producer = this.createProducer();
    this.connected = undefined;
    failed.disconnect().catch(() => {});
  }

  /** Encodes and writes records; each carries the trace it was published in (see trace-context.ts). */
  async publish(topic: string, schemaId: number, records: OutgoingRecord[]): Promise<void> {
    const messages = await Promise.all(
      records.map(async (r) => ({
        key: r.key,
        value: await this.codec.encode(schemaId, r.value),
        headers: withTraceHeaders(r.headers),
      })),
    );
    await this.enqueue(topic, messages);
  }

  /**
   * Writes already-encoded bytes unchanged (dead letters and redrives keep the exact original record). An
   * `abort` before the records are taken into a request withdraws them: a caller that gave up and stored them
   * elsewhere does not also leave them queued.
   */
  async publishRaw(topic: string, records: Message[], options: { signal?: AbortSignal } = {}) {
    await this.enqueue(topic, records, options.signal);
  }

  private enqueue(topic: string, messages: Message[], signal?: AbortSignal): Promise<void> {
    const bytes = sizeOf(messages);
    if (this.queuedBytes + bytes > this.limits.maxQueuedBytes && this.queue.length > 0) {
      return Promise.reject(new RetriableError('kafka producer backlog is full'));
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { topic, messages, bytes, resolve, reject };
      this.queue.push(pending);
      this.queuedBytes += bytes;
      signal?.addEventListener('abort', () => this.withdraw(pending, signal.reason), { once: true });
      void this.sendQueued();
    });
  }

  private withdraw(pending: Pending, reason: unknown): void {
    const index = this.queue.indexOf(pending);
    if (index < 0) return; // already sent or in flight
    this.queue.splice(index, 1);
    this.queuedBytes -= pending.bytes;
    pending.reject(reason);
  }

  /** The publishes of the next request: in queue order, under the request byte limit (always at least one). */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && batch.length < MAX_PUBLISHES_PER_REQUEST) {
      const next = this.queue[0]!;
      if (batch.length > 0 && bytes + next.bytes > this.limits.maxRequestBytes) break;
      batch.push(this.queue.shift()!);
      this.queuedBytes -= next.bytes;
      bytes += next.bytes;
    }
    return batch;
  }

  private async sendQueued(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        try {
          await this.send(batch);
          for (const pending of batch) pending.resolve();
        } catch (error) {
          this.replaceProducer();
          if (batch.length > 1 && isRecordError(error)) await this.sendEachAlone(batch);
          else for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** A shared request was refused for what one publish carried: each alone, so only that one fails. */
  private async sendEachAlone(batch: Pending[]): Promise<void> {
    for (const pending of batch) {
      try {
        await this.send([pending]);
        pending.resolve();
      } catch (error) {
        this.replaceProducer();
        pending.reject(error);
      }
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const pending of batch)
      byTopic.set(pending.topic, [...(byTopic.get(pending.topic) ?? []), ...pending.messages]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}
