import { Kysely, type MigrationResultSet, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

// Postgres `bigint` (count(*), sequences) as a JS number: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(
  databaseUrl: string,
  opts: { max?: number; onIdleError?: (error: Error) => void } = {},
): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  // An idle connection the server closes (restart, failover, terminated backend) is dropped from the pool and
  // replaced on next use; without a listener that event would crash the process.
  pool.on('error', opts.onIdleError ?? (() => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Names of every migration, in order (a database migrated to latest has exactly these). */
export const migrationNames = (): string[] => Object.keys(migrations).sort();

/**
 * Names and code of every migration: what a migrated database was built from. A migration still being
 * written changes it without changing its name, so anything cached per migration set keys on this.
 */
export const migrationsFingerprint = (): string =>
  migrationNames()
    .map((name) => `${name}\n${migrations[name]!.up.toString()}`)
    .join('\n');

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** Creates the database named in `databaseUrl` when the server does not have it yet (optionally from a template). */
export async function ensureDatabase(
  databaseUrl: string,
  opts: { template?: string } = {},
): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    // CREATE DATABASE takes no bind parameters; the name is quoted as an identifier instead.
    const template = opts.template ? ` template ${client.escapeIdentifier(opts.template)}` : '';
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}${template}`);
    } catch (error) {
      // Another process created it between our check and our create: 42P04, or 23505 when both creates
      // raced on the catalog's unique index.
      const code = (error as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw error;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}
