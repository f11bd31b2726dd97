import { createHash, randomBytes } from 'node:crypto';

/**
 * The template database each test file clones, named after the migrations it holds (names and code): runs of the suite at the
 * same time (several checkouts, several engineers on one machine) share it instead of dropping it under each
 * other, and a new migration gets a template of its own.
 */
export function templateDatabaseName(migrationsFingerprint: string): string {
  const hash = createHash('sha256').update(migrationsFingerprint).digest('hex').slice(0, 12);
  return `df_test_template_${hash}`;
}

export function databaseUrlNamed(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** What `uniqueName` stamps into a name: a base-36 time, then the run's 4 hex digits and 4 random ones. */
export const UNIQUE_NAME = /-[0-9a-z]{8,9}-([0-9a-f]{4})[0-9a-f]{4}(?=[.-]|$)/;

/**
 * The stamp of this run of the suite (or of a benchmark), shared with its worker processes through the
 * environment: cleanup removes the artifacts of its own run and leaves those of a run in parallel alone.
 */
export function runStamp(): string {
  process.env.DF_TEST_RUN ??= randomBytes(2).toString('hex');
  return process.env.DF_TEST_RUN;
}

/** A name no other test uses: topics, consumer groups, registry subjects, databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${runStamp()}${randomBytes(2).toString('hex')}`;
}

/** Whether a name was made by `uniqueName` in the run with this stamp. */
export function madeInRun(name: string, stamp: string): boolean {
  return UNIQUE_NAME.exec(name)?.[1] === stamp;
}
