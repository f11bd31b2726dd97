import { createDb, ensureDatabase, migrateToLatest } from './database.ts';

/** `npm run migrate`: creates the database if needed and applies every pending migration. */
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/df_middleware';
await ensureDatabase(databaseUrl);
const db = createDb(databaseUrl, { max: 1 });
try {
  const { results = [] } = await migrateToLatest(db);
  for (const r of results)
    console.log(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}`);
  if (results.length === 0) console.log('database is up to date');
} finally {
  await db.destroy();
}
