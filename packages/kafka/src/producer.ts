import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { SchemaCodec } from './registry.ts';

export interface OutgoingRecord {
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/**
 * The one way records are written: idempotent producer, `acks=all`, values encoded through the registry.
 * `publish` resolves only once Kafka has acknowledged every record, which is what "durable" means here.
 */
export class EventProducer {
  private readonly producer: Producer;

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
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Writes already-encoded bytes unchanged: dead letters and redrives keep the exact original record. */
  async publishRaw(
    topic: string,
    records: { key: Buffer | string | null; value: Buffer | null; headers?: IHeaders }[],
  ) {
    await this.producer.send({ topic, acks: -1, messages: records });
  }
}
