import { type Kysely, sql } from 'kysely';

/**
 * `sync_state` becomes tenant-keyed and holds a backfill or reconciliation run's watermark: the run, its cursor
 * (GHL's `searchAfter` of the last page fully published), its counts and when it started and finished.
 * The unique key stays (direction, entity_type): list-sync's periodic-rebuild claim upserts on it, so rows keep
 * naming their tenant in `entity_type` too; list-sync's existing rows (`rebuild:<tenant>:<tag>`) get their tenant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sync_state')
    .addColumn('tenant', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('run_id', 'text')
    .addColumn('cursor', 'jsonb')
    .addColumn('counts', 'jsonb')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await sql`update sync_state set tenant = split_part(entity_type, ':', 2)
    where direction = 'list-sync' and entity_type like 'rebuild:%'`.execute(db);
  await db.schema
    .createIndex('sync_state_tenant_idx')
    .on('sync_state')
    .columns(['tenant', 'direction'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sync_state_tenant_idx').execute();
  await db.schema
    .alterTable('sync_state')
    .dropColumn('tenant')
    .dropColumn('run_id')
    .dropColumn('cursor')
    .dropColumn('counts')
    .dropColumn('started_at')
    .dropColumn('finished_at')
    .execute();
}
