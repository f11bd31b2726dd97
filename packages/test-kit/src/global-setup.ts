import { createDb, ensureDatabase, migrateToLatest, migrationsFingerprint } from '@df/db';
import { stackConfig, stackDown, stackUp } from '@df/stack';
import type { TestProject } from 'vitest/node';
import { removeTestArtifacts } from './cleanup.ts';
import { databaseUrlNamed, runStamp, templateDatabaseName } from './stack.ts';
import './provided.ts';

/**
 * Runs once per `npm test`: starts Kafka and the registry when they are not already up (and stops them
 * afterwards only if it started them), and migrates a template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  runStamp(); // before any worker starts, so they all inherit it
  const config = stackConfig();
  const servers = await stackUp(config);
  const startedHere = servers.some((s) => s.state === 'started');

  // Named after the current migrations, so it always reflects them; concurrent runs migrate it under
  // kysely's migration lock.
  const templateDatabase = templateDatabaseName(migrationsFingerprint());
  const template = databaseUrlNamed(config.databaseUrl, templateDatabase);
  await ensureDatabase(template);
  const db = createDb(template, { max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  project.provide('kafkaBrokers', config.kafkaBrokers);
  project.provide('schemaRegistryUrl', config.schemaRegistryUrl);
  project.provide('databaseUrl', config.databaseUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    await removeTestArtifacts(config.kafkaBrokers, config.schemaRegistryUrl);
    if (startedHere && process.env.KEEP_STACK !== '1') await stackDown(config);
  };
}
