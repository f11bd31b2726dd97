export {
  createDb,
  dropDatabase,
  ensureDatabase,
  migrateToLatest,
  migrationNames,
  migrationsFingerprint,
} from './database.ts';
export type * from './schema.ts';
