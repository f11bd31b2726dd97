import { loadSystemConfig, type RunningSystem, type SystemOptions, startSystem } from '@df/all-in-one';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '@df/db';
import { connectInfrastructure, provisionEventBus } from '@df/service-runtime';
import { stackConfig, stackUp } from '@df/stack';
import { createLogger } from '@df/telemetry';
import { uniqueName } from '@df/test-kit/naming';

/** The local stack, up, and a migrated database of this run's own; `drop` closes and drops it. */
async function startBenchDatabase() {
  const config = stackConfig();
  await stackUp(config);
  const url = new URL(config.databaseUrl);
  url.pathname = `/df_bench_${Date.now().toString(36)}`;
  await ensureDatabase(url.toString());
  const db = createDb(url.toString(), { max: 20 });
  await migrateToLatest(db);
  return {
    config,
    db,
    async drop() {
      await db.destroy();
      await dropDatabase(url.toString());
    },
  };
}

/** Infrastructure on the local stack with its own database and provisioned topics (prefixed by `name`). */
export async function startBenchInfrastructure(name: string) {
  const { config, db, drop } = await startBenchDatabase();
  const infra = connectInfrastructure({
    kafkaBrokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    db,
    topicPrefix: `${uniqueName(name)}.`,
    clientId: `bench-${name}`,
    log: createLogger({ service: 'bench' }, { level: 'error' }),
  });
  try {
    await provisionEventBus(infra);
  } catch (error) {
    await drop();
    throw error;
  }
  return { infra, db, drop };
}

/** A system on the local stack, with its own database and topics, for one benchmark run. */
export async function startBenchSystem(overrides: Partial<SystemOptions> = {}) {
  const { config, db, drop } = await startBenchDatabase();
  const system: RunningSystem = await startSystem({
    config: loadSystemConfig({}),
    kafkaBrokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    db,
    log: createLogger({ service: 'bench' }, { level: 'error' }),
    topicPrefix: `${uniqueName('bench')}.`,
    ingressPort: 0,
    ...overrides,
  });
  return {
    system,
    db,
    async stop() {
      await system.close();
      await drop();
    },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`benchmark timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
