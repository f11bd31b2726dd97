import { type EventEnvelope, recordKey, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import type { Infrastructure } from '@df/service-runtime';

export type PublishSnapshots = (source: 'ghl' | 'aloware', events: EventEnvelope[]) => Promise<void>;

/**
 * Publishes snapshot events on the topic the source's webhooks feed, keyed like them (tenant + phone), and
 * resolves once Kafka acknowledged every one (`acks=all`): only then may the watermark move past them.
 */
export function snapshotPublisher(infra: Infrastructure) {
  const producer = new EventProducer(infra.kafka, infra.codec);
  let connected: Promise<void> | undefined;
  const publish: PublishSnapshots = async (source, events) => {
    if (events.length === 0) return;
    connected ??= producer.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    });
    await connected;
    const topic = `${infra.topicPrefix}${TOPICS[source]}`;
    await producer.publish(
      topic,
      await infra.schemaIdFor(topic),
      events.map((event) => ({
        key: recordKey(event),
        value: event,
        headers: { 'x-correlation-id': event.correlationId, 'x-event-id': event.id },
      })),
    );
  };
  return {
    publish,
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}
