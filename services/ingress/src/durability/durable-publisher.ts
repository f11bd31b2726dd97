import type { Database } from '@df/db';
import type { EventProducer, OutgoingRecord } from '@df/kafka';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';
import { HttpError } from '../http/errors.ts';
import type { IngressMetrics } from '../metrics.ts';

export interface Delivery {
  source: string;
  /** Identifies the delivery itself; a second delivery with the same key is acknowledged, not published. */
  dedupeKey: string;
  topic: string;
  records: OutgoingRecord[];
  eventIds: string[];
}

export type DeliveryOutcome = 'published' | 'spooled' | 'duplicate';

export interface DurablePublisherOptions {
  producer: EventProducer;
  db: Kysely<Database>;
  /** The registry id of the topic's value schema (registered on first use). */
  schemaIdFor: (topic: string) => Promise<number>;
  /** A publish taking longer counts as Kafka being unreachable and the delivery is spooled instead. */
  publishTimeoutMs: number;
  metrics: IngressMetrics;
  log: Logger;
}

/**
 * Makes an accepted delivery durable before the webhook is answered: acknowledged by Kafka (idempotent
 * producer, acks=all) or, while Kafka is unreachable, written to the Postgres spool. While the spool holds
 * anything, new deliveries are spooled too, so the drainer publishes them in arrival order.
 *
 * If a publish times out but Kafka did take it, the spooled copy is published again later: consumers are
 * idempotent (event id and dedupe key), which is the price of never answering 2xx for something not durable.
 */
export class DurablePublisher {
  private connecting: Promise<void> | undefined;
  /** Set when this instance spooled, cleared by the drainer once the spool is empty. */
  spoolBacklog = false;

  constructor(private readonly options: DurablePublisherOptions) {}

  async accept(delivery: Delivery): Promise<DeliveryOutcome> {
    const claimed = await this.claimReceipt(delivery);
    if (claimed === 'duplicate') return 'duplicate';
    const started = performance.now();
    try {
      if (!this.spoolBacklog) {
        try {
          await this.publish(delivery);
          this.options.metrics.publishLatency.observe(
            { outcome: 'published' },
            (performance.now() - started) / 1000,
          );
          return 'published';
        } catch (error) {
          this.options.log.warn('kafka unavailable, spooling', {
            topic: delivery.topic,
            error: error as Error,
          });
        }
      }
      await this.spool(delivery);
      this.options.metrics.publishLatency.observe(
        { outcome: 'spooled' },
        (performance.now() - started) / 1000,
      );
      return 'spooled';
    } catch (error) {
      // Neither Kafka nor Postgres took it: forget the receipt so the sender's retry is not mistaken for a duplicate.
      if (claimed === 'claimed') await this.releaseReceipt(delivery).catch(() => {});
      this.options.log.error('delivery could not be made durable', {
        topic: delivery.topic,
        error: error as Error,
      });
      throw new HttpError(503, 'unavailable', 'the event could not be stored; retry later', {
        'Retry-After': '30',
      });
    }
  }

  /** Connects lazily and again after a failure, so the ingress starts and answers while Kafka is down. */
  private ensureConnected(): Promise<void> {
    this.connecting ??= this.options.producer.connect().catch((error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** Publishes records to Kafka within the timeout (also used by the spool drainer). */
  async publish(delivery: Pick<Delivery, 'topic' | 'records'>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('kafka publish timed out')), this.options.publishTimeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          await this.ensureConnected();
          const schemaId = await this.options.schemaIdFor(delivery.topic);
          await this.options.producer.publish(delivery.topic, schemaId, delivery.records);
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async spool(delivery: Delivery): Promise<void> {
    await this.options.db
      .insertInto('ingress_spool')
      .values(
        delivery.records.map((r) => ({
          topic: delivery.topic,
          record_key: r.key,
          value: JSON.stringify(r.value),
          headers: JSON.stringify(r.headers ?? {}),
        })),
      )
      .execute();
    this.spoolBacklog = true;
    this.options.metrics.spoolDepth.inc(delivery.records.length);
  }

  /**
   * Records the delivery's dedupe key. With Postgres down the delivery is still accepted (Kafka is the source
   * of truth and consumers dedupe); it just cannot be recognized as a redelivery here.
   */
  private async claimReceipt(delivery: Delivery): Promise<'claimed' | 'duplicate' | 'unchecked'> {
    try {
      const inserted = await this.options.db
        .insertInto('ingress_receipts')
        .values({
          dedupe_key: delivery.dedupeKey,
          source: delivery.source,
          event_ids: JSON.stringify(delivery.eventIds),
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      return inserted.numInsertedOrUpdatedRows === 1n ? 'claimed' : 'duplicate';
    } catch (error) {
      this.options.log.warn('receipt store unavailable; accepting without redelivery check', {
        error: error as Error,
      });
      return 'unchecked';
    }
  }

  /**
   * Forgets receipts older than `days`. They must outlive the tools' redelivery horizon (GHL retries for hours),
   * and `GHL_WEBHOOK_MAX_SKEW_SECONDS` must stay below it so an old delivery cannot come back as new.
   */
  async pruneReceipts(days: number): Promise<number> {
    const result = await this.options.db
      .deleteFrom('ingress_receipts')
      .where('received_at', '<', new Date(Date.now() - days * 86_400_000))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async releaseReceipt(delivery: Delivery): Promise<void> {
    await this.options.db
      .deleteFrom('ingress_receipts')
      .where('dedupe_key', '=', delivery.dedupeKey)
      .execute();
  }
}
