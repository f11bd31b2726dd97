import { createDb, ensureDatabase, migrateToLatest } from '@df/db';
import {
  type Env,
  type InfrastructureEnv,
  infrastructureEnv,
  parseEnv,
  positiveInt,
  toInfrastructure,
} from '@df/env';
import type { Logger } from '@df/telemetry';
import { z } from 'zod';
import { connectInfrastructure } from './infrastructure.ts';
import { loadOpsSettings, loadSettings } from './ops-settings.ts';
import { provisionEventBus } from './provision.ts';

/** Partitions of each event topic when it is created (or raised to): the ceiling of one group's parallelism. */
export const partitionsEnv = { TOPIC_PARTITIONS: positiveInt(6, 'partitions') };

/** The shared servers' settings alone, for a process that needs nothing else (provisioning, operator jobs). */
export function loadInfrastructureSettings(env: Env): InfrastructureEnv {
  return toInfrastructure(parseEnv(z.object(infrastructureEnv), env));
}

export function loadProvisionSettings(env: Env) {
  return loadSettings({
    infrastructure: () => loadInfrastructureSettings(env),
    partitions: () => parseEnv(z.object(partitionsEnv), env).TOPIC_PARTITIONS,
    // The port is unused here; the credentials and the production rules are the ones every service has.
    ops: () => loadOpsSettings(env, 0),
  });
}

export interface ProvisionReport {
  migrations: string[];
  topicsCreated: string[];
}

/**
 * `npm run provision`, the step before any service starts: the database (created when missing, then
 * migrated), every topic with its configured partitions, every schema registered. Running it again changes
 * nothing; a deployment runs it once per release (the Kubernetes Job, the compose `provision` service).
 */
export async function provisionAll(
  settings: ReturnType<typeof loadProvisionSettings>,
  log: Logger,
): Promise<ProvisionReport> {
  const { infrastructure, partitions, ops } = settings;
  // In production the database is the platform's to create (the role may not reach the `postgres` database).
  if (ops.mode === 'local') await ensureDatabase(infrastructure.databaseUrl);
  const db = createDb(infrastructure.databaseUrl, { max: 1 });
  try {
    const { results = [] } = await migrateToLatest(db);
    const infra = connectInfrastructure({
      ...infrastructure,
      db,
      clientId: 'df-provision',
      log,
      credentials: ops.credentials,
    });
    const topicsCreated = await provisionEventBus(infra, partitions);
    return { migrations: results.map((r) => r.migrationName), topicsCreated };
  } finally {
    await db.destroy();
  }
}
