export { createDb, dropDatabase, ensureDatabase, migrateToLatest, migrationNames } from './database.ts';
export type * from './schema.ts';
