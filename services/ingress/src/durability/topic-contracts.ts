import { schemaDocuments } from '@df/contracts';
import type { z } from 'zod';

/** The zod contract of each topic's values (the one its registered JSON Schema is generated from). */
export function topicContracts(topicPrefix: string): (topic: string) => z.ZodType | undefined {
  const documents = schemaDocuments();
  const byTopic = new Map<string, z.ZodType | undefined>();
  return (topic) => {
    if (!byTopic.has(topic)) {
      const declared = topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic;
      byTopic.set(topic, documents.find((d) => d.subjectTopics.includes(declared))?.contract);
    }
    return byTopic.get(topic);
  };
}
