import type { Kysely } from 'kysely';

/**
 * The ledger keeps each event's natural key (the person's E.164 phone when the event names one), indexed, so the
 * console finds a person's events without scanning every raw body. Rows recorded before have none: a rebuild of
 * the audit projection (`npm run replay -- rebuild audit`) fills them from the log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_events').addColumn('natural_key', 'text').execute();
  await db.schema
    .createIndex('webhook_events_natural_key_idx')
    .on('webhook_events')
    .column('natural_key')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_events_natural_key_idx').execute();
  await db.schema.alterTable('webhook_events').dropColumn('natural_key').execute();
}
