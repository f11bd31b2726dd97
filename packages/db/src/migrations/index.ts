import type { Migration } from 'kysely';
import * as seedTables from './20261126T0030_seed_tables.ts';

/**
 * Every migration, by name. Names start with a UTC timestamp so they sort in the order they were written;
 * a migration is never edited once merged, a change is a new entry.
 */
export const migrations: Record<string, Migration> = {
  '20261126T0030_seed_tables': seedTables,
};
