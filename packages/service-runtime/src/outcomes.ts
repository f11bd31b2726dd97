import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type SyncOutcome, TOPICS } from '@df/contracts';
import { EventProducer, PermanentError, RetriableError } from '@df/kafka';
import type { Infrastructure } from './infrastructure.ts';

export type OutcomeInput = Omit<
  SyncOutcome,
  'id' | 'service' | 'correlationId' | 'eventId' | 'tenant' | 'at'
> & {
  at?: string;
  /**
   * A stable id (e.g. `nameUuid` of the event id and the step) for a service that may report the same outcome
   * again after a crash or a retry: the audit keeps one row per id. Default: a fresh one.
   */
  id?: string;
};

/**
 * Reports what a service did or deliberately did not do (guarantee 8) on `sync.outcomes.v1`, keyed like the
 * event that caused it and carrying its correlation id. The audit service turns these into `sync_log` rows.
 */
export class OutcomeReporter {
  private readonly producer: EventProducer;
  private connected: Promise<void> | undefined;

  constructor(
    private readonly infra: Infrastructure,
    private readonly service: string,
  ) {
    this.producer = new EventProducer(infra.kafka, infra.codec);
  }

  async report(
    cause: Pick<EventEnvelope, 'id' | 'correlationId' | 'tenant'>,
    outcome: OutcomeInput,
  ): Promise<SyncOutcome> {
    const { id, at, ...decided } = outcome;
    const record: SyncOutcome = {
      id: id ?? randomUUID(),
      service: this.service,
      correlationId: cause.correlationId,
      eventId: cause.id,
      tenant: cause.tenant,
      ...decided,
      at: at ?? new Date().toISOString(),
    };
    const topic = `${this.infra.topicPrefix}${TOPICS.outcomes}`;
    try {
      await this.connect();
      await this.producer.publish(topic, await this.infra.schemaIdFor(topic), [
        {
          key: `${record.tenant}:${record.entity.id ?? record.eventId}`,
          value: record,
          headers: { 'x-correlation-id': record.correlationId, 'x-event-id': record.eventId },
        },
      ]);
    } catch (error) {
      if ((error as Error).name === 'ConfluentSchemaRegistryValidationError') {
        throw new PermanentError(
          'outcome-invalid',
          `outcome refused by its schema: ${(error as Error).message}`,
        );
      }
      // Kafka or the registry out of reach is transient: the record is retried, never dead-lettered for it.
      throw new RetriableError(`outcome not published: ${(error as Error).message}`, { cause: error });
    }
    return record;
  }

  /**
   * Connects once; a failed connect is forgotten so the next report tries again (Kafka down at start-up must
   * not fail every later outcome, whose external write has already happened).
   */
  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    return this.connected;
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}
