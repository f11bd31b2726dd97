import { type ContactMapped, contactMappedKey, TOPICS } from '@df/contracts';
import { EventProducer, RetriableError } from '@df/kafka';
import type { Infrastructure } from '@df/service-runtime';
import type { PublishMapped } from './mapped-facts.ts';

export interface MappedFactPublisher {
  publish: PublishMapped;
  close(): Promise<void>;
}

/** contact-sync's producer of `contact.mapped` facts, keyed like the events about the person. */
export function mappedFactPublisher(infra: Infrastructure): MappedFactPublisher {
  const producer = new EventProducer(infra.kafka, infra.codec);
  const topic = `${infra.topicPrefix}${TOPICS.contactMappings}`;
  let connected: Promise<void> | undefined;
  return {
    async publish(facts: ContactMapped[]) {
      try {
        // A failed connect is forgotten, so Kafka down at start-up does not fail every later publish.
        connected ??= producer.connect().catch((error: unknown) => {
          connected = undefined;
          throw error;
        });
        await connected;
        await producer.publish(
          topic,
          await infra.schemaIdFor(topic),
          facts.map((fact) => ({
            key: contactMappedKey(fact),
            value: fact,
            headers: { 'x-event-id': fact.id },
          })),
        );
      } catch (error) {
        // The facts stay in the outbox (the mapping rows) and go out with the next relay.
        throw new RetriableError(`contact.mapped not published: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}
