import type { Kysely } from 'kysely';

/**
 * Which event an outcome answers. The audit service needs it to settle the ledger status of an event whose
 * outcome arrived before the event itself (they travel on different topics).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_log').addColumn('event_id', 'uuid').execute();
  await db.schema.alterTable('sync_log').addColumn('service', 'text').execute();
  await db.schema.createIndex('sync_log_event_id_idx').on('sync_log').column('event_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sync_log').dropColumn('service').execute();
  await db.schema.alterTable('sync_log').dropColumn('event_id').execute();
}
