import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '@df/db';
import type { EventProducer, OutgoingRecord, SchemaCodec } from '@df/kafka';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import type { IngressMetrics } from '../metrics.ts';
import { fitRecord } from './oversize.ts';
import type { SpoolGate } from './spool-gate.ts';
import { appendToSpool, type SpoolRecord, setAside } from './spool-store.ts';
import { topicContracts } from './topic-contracts.ts';
import { SchemaInvalidRecord, UndeclaredTopic, unpublishableReason } from './unpublishable.ts';

export interface Delivery {
  source: string;
  topic: string;
  /** Values are envelopes whose ids derive from the delivery's identity (see event-ids.ts). */
  records: OutgoingRecord[];
  /**
   * A permanent identity for deliveries that carry no timestamp to bound a replay (GHL provider messages): a
   * second delivery with the same guard is acknowledged without being published.
   */
  replayGuard?: string;
}

export type DeliveryOutcome = 'published' | 'spooled' | 'set_aside' | 'duplicate';

/** Points of the accept path where tests kill the process or hold it (a real SIGKILL, a slow Kafka). */
export type AcceptStep = 'publishing' | 'published' | 'spooled';

export interface DurablePublisherOptions {
  producer: EventProducer;
  codec: SchemaCodec;
  topicPrefix: string;
  db: Kysely<Database>;
  gate: SpoolGate;
  /** The registry id of the topic's value schema (registered on first use). */
  schemaIdFor: (topic: string) => Promise<number>;
  /** A publish taking longer counts as Kafka being unreachable and the delivery is spooled instead. */
  publishTimeoutMs: number;
  /** The largest record published; bigger events have their raw body kept aside (see oversize.ts). */
  maxRecordBytes: number;
  metrics: IngressMetrics;
  log: Logger;
  onStep?: (step: AcceptStep) => void | Promise<void>;
}

/**
 * Makes an accepted delivery durable before the webhook is answered.
 *
 * Invariant: a 2xx is sent only after every event of the delivery is acknowledged by Kafka (idempotent
 * producer, acks=all) or committed to Postgres (the spool, or set aside with its reason). Nothing is written
 * before that point that could make a later copy of the delivery look already handled: a crash anywhere
 * before the answer leaves the sender's retry to do the whole job again, with the same event ids (derived
 * from the delivery's identity), which consumers absorb. The only record kept of a delivery is the replay
 * guard, and it is written after the event is durable.
 */
export class DurablePublisher {
  private readonly contractFor: ReturnType<typeof topicContracts>;

  constructor(private readonly options: DurablePublisherOptions) {
    this.contractFor = topicContracts(options.topicPrefix);
  }

  async accept(delivery: Delivery): Promise<DeliveryOutcome> {
    const { metrics, log } = this.options;
    const started = performance.now();
    try {
      if (delivery.replayGuard && (await this.guardSeen(delivery.replayGuard))) return 'duplicate';
      const outcome = await this.makeDurable(delivery);
      metrics.publishLatency.observe({ outcome }, (performance.now() - started) / 1000);
      if (delivery.replayGuard) await this.recordGuard(delivery);
      return outcome;
    } catch (error) {
      log.error('delivery could not be made durable', { topic: delivery.topic, error: error as Error });
      throw new HttpError(503, 'unavailable', 'the event could not be stored; retry later', {
        'Retry-After': '30',
      });
    }
  }

  private async makeDurable(delivery: Delivery): Promise<Exclude<DeliveryOutcome, 'duplicate'>> {
    const { db, gate, maxRecordBytes } = this.options;
    let records: SpoolRecord[] = [];
    for (const record of delivery.records) {
      const fitted = fitRecord(record, maxRecordBytes);
      if (!fitted.fits) {
        await this.setAside({ ...record, topic: delivery.topic, bytes: fitted.bytes }, fitted.reason);
        continue;
      }
      if (fitted.rawAside) {
        const { eventId, text } = fitted.rawAside;
        await db
          .insertInto('ingress_raw_bodies')
          .values({ event_id: eventId, body: text, bytes: Buffer.byteLength(text) })
          .onConflict((oc) => oc.column('event_id').doNothing())
          .execute();
      }
      records.push({ ...fitted.record, topic: delivery.topic, bytes: fitted.bytes });
    }
    if (records.length === 0) return 'set_aside';

    let published = 0;
    if (!(await gate.hasBacklog(records))) {
      const attempt = await this.publishOrSetAside(delivery.topic, records);
      if (attempt.left.length === 0) {
        await this.options.onStep?.('published');
        return attempt.published > 0 ? 'published' : 'set_aside';
      }
      published = attempt.published;
      records = attempt.left;
    }
    await appendToSpool(db, records);
    gate.noteSpooled();
    await this.options.onStep?.('spooled');
    this.options.metrics.spoolDepth.inc(records.length);
    if (published > 0) this.options.log.warn('delivery partly spooled', { topic: delivery.topic, published });
    // Let every instance's "spool is empty" answer expire before the sender hears back (see SpoolGate).
    await delay(gate.confirmDelayMs);
    return 'spooled';
  }

  /**
   * Publishes the records. A record that can never be published is set aside (its siblings tried one by one
   * to find it); what Kafka could not take now is returned, in order, for the spool.
   */
  private async publishOrSetAside(topic: string, records: SpoolRecord[]) {
    try {
      await this.publish(topic, records);
      return { published: records.length, left: [] as SpoolRecord[] };
    } catch (error) {
      if (!unpublishableReason(error)) {
        this.options.log.warn('kafka unavailable, spooling', { topic, error: error as Error });
        return { published: 0, left: records };
      }
    }
    let published = 0;
    for (const [index, record] of records.entries()) {
      try {
        await this.publish(topic, [record]);
        published += 1;
      } catch (error) {
        const reason = unpublishableReason(error);
        if (!reason) return { published, left: records.slice(index) };
        await this.setAside(record, reason);
      }
    }
    return { published, left: [] as SpoolRecord[] };
  }

  async setAside(record: SpoolRecord, reason: string, db: Kysely<Database> = this.options.db) {
    await setAside(db, record, reason);
    this.options.metrics.setAside.inc({ reason: reason.split(':')[0]! });
    this.options.log.warn('record set aside', { topic: record.topic, reason });
  }

  /**
   * Publishes records to Kafka within the timeout (also used by the spool drainer). When the timeout ends
   * the wait, records still queued in the producer are withdrawn; a request already in flight cannot be
   * recalled and may land next to the copy spooled meanwhile, with the same event id.
   */
  async publish(topic: string, records: OutgoingRecord[]): Promise<void> {
    const withdraw = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error('kafka publish timed out');
        withdraw.abort(error);
        reject(error);
      }, this.options.publishTimeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          const contract = this.contractFor(topic);
          if (!contract) throw new UndeclaredTopic(topic);
          const schemaId = await this.options.schemaIdFor(topic);
          const messages = this.framed(contract, schemaId, records);
          await this.options.onStep?.('publishing');
          withdraw.signal.throwIfAborted();
          await this.options.producer.publishRaw(topic, messages, { signal: withdraw.signal });
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Validates each value against its topic's zod contract and frames it in the registry's wire format. The
   * contract is what the registered JSON Schema is generated from and what consumers parse with, so this is
   * the registry's check, done once and per event type instead of through the whole union.
   */
  private framed(contract: z.ZodType, schemaId: number, records: OutgoingRecord[]) {
    return records.map((record) => {
      const checked = contract.safeParse(record.value);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new SchemaInvalidRecord(`${issue?.path.join('.') || 'value'}: ${issue?.message}`);
      }
      return {
        key: record.key,
        value: this.options.codec.frame(schemaId, record.value),
        headers: record.headers,
      };
    });
  }

  /** With Postgres down the guard cannot be read: accept (consumers still dedupe by the derived event id). */
  private async guardSeen(guard: string): Promise<boolean> {
    try {
      const row = await this.options.db
        .selectFrom('ingress_replay_guards')
        .select('guard')
        .where('guard', '=', guard)
        .executeTakeFirst();
      return row !== undefined;
    } catch (error) {
      this.options.log.warn('replay guards unavailable', { error: error as Error });
      return false;
    }
  }

  private async recordGuard(delivery: Delivery): Promise<void> {
    try {
      await this.options.db
        .insertInto('ingress_replay_guards')
        .values({
          guard: delivery.replayGuard!,
          event_ids: JSON.stringify(delivery.records.map((r) => (r.value as { id: string }).id)),
        })
        .onConflict((oc) => oc.column('guard').doNothing())
        .execute();
    } catch (error) {
      // The event is durable; a replay will carry the same event id and be absorbed by the consumers.
      this.options.log.warn('replay guard not recorded', { error: error as Error });
    }
  }
}
