import { schemaDocuments, subjectFor, TOPIC_DECLARATIONS } from '@df/contracts';
import { provisionTopics } from '@df/kafka';
import type { Infrastructure } from './infrastructure.ts';

/**
 * Creates every declared topic and registers every topic's schema (BACKWARD compatibility, so an incompatible
 * change to the contracts is refused here, at start-up, instead of surfacing in a consumer). `partitions`
 * (`TOPIC_PARTITIONS`) replaces the declared count of the event topics; dead-letter topics keep their one
 * partition (their order is the redrive order). Raising it later remaps keys: see the README's scaling guide.
 * Returns the topics it created.
 */
export async function provisionEventBus(infra: Infrastructure, partitions?: number): Promise<string[]> {
  const created = await provisionTopics(
    infra.kafka,
    TOPIC_DECLARATIONS.map((d) => ({
      ...d,
      name: `${infra.topicPrefix}${d.name}`,
      partitions: partitions !== undefined && d.partitions > 1 ? partitions : d.partitions,
    })),
  );
  for (const document of schemaDocuments()) {
    for (const topic of document.subjectTopics) {
      await infra.codec.register(subjectFor(`${infra.topicPrefix}${topic}`), document.schema);
    }
  }
  return created;
}
