import { loadSystemConfig, type RunningSystem, type SystemOptions, startSystem } from '@df/all-in-one';
import { createLogger } from '@df/telemetry';
import { createTestDatabase, type TestDatabase, testStack, uniqueName, waitFor } from '@df/test-kit';

export interface TestSystem extends RunningSystem {
  database: TestDatabase;
  /** Waits until every webhook the simulators sent has been answered and every outcome is in sync_log. */
  settle(): Promise<void>;
  outcomes(): Promise<
    Array<{ direction: string; status: string; error_message: string | null; service: string | null }>
  >;
  stop(): Promise<void>;
}

/**
 * The whole middleware against the real Kafka, registry and Postgres, on topics and a database of its own,
 * with the simulators standing in for the tools (no credentials in the environment).
 */
export async function startTestSystem(overrides: Partial<SystemOptions> = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const system = await startSystem({
    config: loadSystemConfig({}),
    kafkaBrokers: testStack().kafkaBrokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
    db: database.db,
    log: createLogger({ service: 'e2e' }, { level: 'error' }),
    topicPrefix: `${uniqueName('e2e')}.`,
    partitions: 2,
    ingressPort: 0,
    consolePort: 0,
    ...overrides,
  });
  const outcomes = () =>
    database.db
      .selectFrom('sync_log')
      .select(['direction', 'status', 'error_message', 'service'])
      .orderBy('started_at')
      .execute();
  return {
    ...system,
    database,
    outcomes,
    async settle() {
      const sims = system.simulators!;
      await Promise.all([sims.ghl.idle(), sims.aloware.idle(), sims.texting.idle()]);
    },
    async stop() {
      await system.close();
      await database.drop();
    },
  };
}

export { waitFor };
