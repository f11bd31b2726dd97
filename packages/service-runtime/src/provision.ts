import { schemaDocuments, subjectFor, TOPIC_DECLARATIONS } from '@df/contracts';
import { provisionTopics } from '@df/kafka';
import type { Infrastructure } from './infrastructure.ts';

/**
 * Creates every declared topic and registers every topic's schema (BACKWARD compatibility, so an incompatible
 * change to the contracts is refused here, at start-up, instead of surfacing in a consumer).
 */
export async function provisionEventBus(infra: Infrastructure, partitionsOverride?: number): Promise<void> {
  await provisionTopics(
    infra.kafka,
    TOPIC_DECLARATIONS.map((d) => ({
      ...d,
      name: `${infra.topicPrefix}${d.name}`,
      partitions: partitionsOverride ?? d.partitions,
    })),
  );
  for (const document of schemaDocuments()) {
    for (const topic of document.subjectTopics) {
      await infra.codec.register(subjectFor(`${infra.topicPrefix}${topic}`), document.schema);
    }
  }
}
