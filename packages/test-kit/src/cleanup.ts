import { createKafka } from '@df/kafka';
import { madeInRun, runStamp } from './stack.ts';

/**
 * Deletes what tests created on the shared stack: topics (and the registry subjects of their values) whose
 * names carry a `uniqueName` stamp. Kafka keeps topics forever, and a broker with thousands of them starts
 * slowly, so every run leaves the stack as it found it. Only this run's (see `runStamp`): a run in parallel
 * keeps its topics. Databases are dropped by the tests themselves.
 */
export async function removeTestArtifacts(
  kafkaBrokers: string[],
  schemaRegistryUrl: string,
  stamp = runStamp(),
): Promise<void> {
  const admin = createKafka({ brokers: kafkaBrokers, clientId: 'test-cleanup' }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => madeInRun(t, stamp));
    for (let i = 0; i < topics.length; i += 100)
      await admin.deleteTopics({ topics: topics.slice(i, i + 100) });
  } finally {
    await admin.disconnect();
  }
  const subjects = (await (await fetch(`${schemaRegistryUrl}/subjects`)).json()) as string[];
  for (const subject of subjects.filter((s) => madeInRun(s, stamp))) {
    await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' });
    await fetch(`${schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}?permanent=true`, {
      method: 'DELETE',
    });
  }
}
