import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type SyncOutcome, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import type { Infrastructure } from './infrastructure.ts';

export type OutcomeInput = Omit<
  SyncOutcome,
  'id' | 'service' | 'correlationId' | 'eventId' | 'tenant' | 'at'
> & {
  at?: string;
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
    const record: SyncOutcome = {
      id: randomUUID(),
      service: this.service,
      correlationId: cause.correlationId,
      eventId: cause.id,
      tenant: cause.tenant,
      ...outcome,
      at: outcome.at ?? new Date().toISOString(),
    };
    this.connected ??= this.producer.connect();
    await this.connected;
    const topic = `${this.infra.topicPrefix}${TOPICS.outcomes}`;
    await this.producer.publish(topic, await this.infra.schemaIdFor(topic), [
      {
        key: `${record.tenant}:${record.entity.id ?? record.eventId}`,
        value: record,
        headers: { 'x-correlation-id': record.correlationId, 'x-event-id': record.eventId },
      },
    ]);
    return record;
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}
