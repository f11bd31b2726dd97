import type { Kafka } from 'kafkajs';
import { createKafka } from './client.ts';

export interface TopicDeclaration {
  name: string;
  partitions: number;
  /** Broker-side topic configs, e.g. `{ 'retention.ms': '-1' }`. */
  configs?: Record<string, string>;
}

/**
 * Creates the declared topics that do not exist yet and raises partition counts that are too low.
 * Running it again changes nothing; it never deletes topics or lowers partitions (Kafka cannot).
 */
export async function provisionTopics(kafka: Kafka, declarations: TopicDeclaration[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = declarations.filter((d) => !existing.has(d.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((d) => ({
          topic: d.name,
          numPartitions: d.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(d.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const present = declarations.filter((d) => existing.has(d.name));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((d) => d.name) });
      const grow = present.flatMap((d) => {
        const current = metadata.topics.find((t) => t.name === d.name)?.partitions.length ?? 0;
        return current < d.partitions ? [{ topic: d.name, count: d.partitions }] : [];
      });
      if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    }
    return missing.map((d) => d.name);
  } finally {
    await admin.disconnect();
  }
}

/**
 * True when a broker answers a metadata request within `timeoutMs`: the readiness check of everything that
 * needs Kafka. Bounded, because something else listening on the port may accept the connection and say nothing.
 */
export async function isKafkaReachable(brokers: string[], timeoutMs = 5000): Promise<boolean> {
  const admin = createKafka({ brokers, clientId: 'df-readiness', retries: 0 }).admin();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = (async () => {
    await admin.connect();
    await admin.listTopics();
    return true;
  })().catch(() => false);
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
    admin.disconnect().catch(() => {});
  }
}
