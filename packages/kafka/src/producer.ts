import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { SchemaCodec } from './registry.ts';

export interface OutgoingRecord {
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

type Message = { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders };

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Publishes waiting while one request is in flight go out together in the next one. */
const MAX_PUBLISHES_PER_REQUEST = 500;

/**
 * The one way records are written: idempotent producer, `acks=all`, values encoded through the registry.
 * `publish` resolves only once Kafka has acknowledged every record, which is what "durable" means here.
 *
 * Group commit: one produce request is in flight at a time (which keeps order with idempotence); whatever
 * callers publish meanwhile is sent together in the next request, so concurrent webhooks share round trips
 * instead of queueing behind each other one by one.
 */
export class EventProducer {
  private readonly producer: Producer;
  private readonly queue: Pending[] = [];
  private sending = false;

  constructor(
    kafka: Kafka,
    private readonly codec: SchemaCodec,
  ) {
    // Idempotence makes broker-side retries safe (no duplicates, no reordering within a partition).
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async publish(topic: string, schemaId: number, records: OutgoingRecord[]): Promise<void> {
    const messages = await Promise.all(
      records.map(async (r) => ({
        key: r.key,
        value: await this.codec.encode(schemaId, r.value),
        headers: r.headers,
      })),
    );
    await this.enqueue(topic, messages);
  }

  /** Writes already-encoded bytes unchanged: dead letters and redrives keep the exact original record. */
  async publishRaw(
    topic: string,
    records: { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders }[],
  ) {
    await this.enqueue(topic, records);
  }

  private enqueue(topic: string, messages: Message[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      void this.sendQueued();
    });
  }

  private async sendQueued(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_PUBLISHES_PER_REQUEST);
        const byTopic = new Map<string, Message[]>();
        for (const pending of batch)
          byTopic.set(pending.topic, [...(byTopic.get(pending.topic) ?? []), ...pending.messages]);
        try {
          await this.producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
