/** What the rebuild and replay end-to-end tests share: a fresh database and a provisioned event bus of their own. */
import { EventProducer } from '@df/kafka';
import { connectInfrastructure, type Infrastructure, provisionEventBus } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { createTestDatabase, type TestDatabase, testStack, uniqueName } from '@df/test-kit';

export interface TestEventBus {
  database: TestDatabase;
  infra: Infrastructure;
  producer: EventProducer;
  /** Disconnects the producer and drops the database; stop the consumers started on `infra` first. */
  close: () => Promise<void>;
}

/** This process's environment, pointed at the test's topics and database: for a CLI run in its own process. */
export function cliEnv(database: TestDatabase, infra: Infrastructure): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    DATABASE_URL: database.url,
    TOPIC_PREFIX: infra.topicPrefix,
  };
}

/** Topics prefixed by a unique `name.` (so tests never see each other's events), each with `partitions`. */
export async function startTestEventBus(name: string, partitions: number): Promise<TestEventBus> {
  const database = await createTestDatabase();
  const infra = connectInfrastructure({
    kafkaBrokers: testStack().kafkaBrokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
    db: database.db,
    topicPrefix: `${uniqueName(name)}.`,
    clientId: `${name}-test`,
    log: createLogger({ service: `${name}-test` }, { level: 'error' }),
  });
  await provisionEventBus(infra, partitions);
  const producer = new EventProducer(infra.kafka, infra.codec);
  await producer.connect();
  return {
    database,
    infra,
    producer,
    async close() {
      await producer.disconnect();
      await database.drop();
    },
  };
}
