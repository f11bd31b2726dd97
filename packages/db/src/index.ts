export { createDb, dropDatabase, ensureDatabase, migrateToLatest } from './database.ts';
export type * from './schema.ts';
