import { schemaDocuments, subjectFor } from '@df/contracts';
import type { SchemaCodec } from '@df/kafka';

/**
 * Registers each topic's value schema (BACKWARD compatible) the first time it is needed and remembers the id.
 * Lazy on purpose: with the registry down the ingress still starts and spools.
 */
export function topicSchemas(codec: SchemaCodec, topicPrefix = ''): (topic: string) => Promise<number> {
  const ids = new Map<string, Promise<number>>();
  return (topic) => {
    let id = ids.get(topic);
    if (!id) {
      const declared = topic.startsWith(topicPrefix) ? topic.slice(topicPrefix.length) : topic;
      const document = schemaDocuments().find((d) => d.subjectTopics.includes(declared));
      if (!document) return Promise.reject(new Error(`no schema is declared for topic ${topic}`));
      id = codec.register(subjectFor(topic), document.schema);
      // A failed registration is retried on the next publish instead of being cached.
      id.catch(() => ids.delete(topic));
      ids.set(topic, id);
    }
    return id;
  };
}
