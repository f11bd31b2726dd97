import { createDb, dropDatabase, ensureDatabase, migrateToLatest } from '@df/db';
import { stackConfig, stackDown, stackUp } from '@df/stack';
import type { TestProject } from 'vitest/node';
import { removeTestArtifacts } from './cleanup.ts';
import { templateDatabaseUrl } from './stack.ts';
import './provided.ts';

/**
 * Runs once per `npm test`: starts Kafka and the registry when they are not already up (and stops them
 * afterwards only if it started them), and migrates a template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  const config = stackConfig();
  const servers = await stackUp(config);
  const startedHere = servers.some((s) => s.state === 'started');

  // Rebuilt every run so the template always reflects the current migrations.
  const template = templateDatabaseUrl(config.databaseUrl);
  await dropDatabase(template);
  await ensureDatabase(template);
  const db = createDb(template, { max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('kafkaBrokers', config.kafkaBrokers);
  project.provide('schemaRegistryUrl', config.schemaRegistryUrl);
  project.provide('databaseUrl', config.databaseUrl);

  return async () => {
    await removeTestArtifacts(config.kafkaBrokers, config.schemaRegistryUrl);
    if (startedHere && process.env.KEEP_STACK !== '1') await stackDown(config);
  };
}
