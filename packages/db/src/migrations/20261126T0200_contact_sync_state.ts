import { type Kysely, sql } from 'kysely';

/**
 * contact-sync's projection next to each mapping: the accepted value and source time of every synced field
 * (the conflict policy's memory), what each tool is believed to hold, and the fingerprint of the last write
 * into each tool (a webhook carrying exactly that is our own echo). Processed event ids make redelivery a no-op.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contact_mappings')
    .addColumn('tenant', 'text')
    .addColumn('field_states', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('ghl_known', 'jsonb')
    .addColumn('aloware_known', 'jsonb')
    .addColumn('ghl_written_fingerprint', 'text')
    .addColumn('aloware_written_fingerprint', 'text')
    .addColumn('deleted_in_ghl_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('contact_sync_processed')
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_sync_processed').execute();
  for (const column of [
    'deleted_in_ghl_at',
    'aloware_written_fingerprint',
    'ghl_written_fingerprint',
    'aloware_known',
    'ghl_known',
    'field_states',
    'tenant',
  ]) {
    await db.schema.alterTable('contact_mappings').dropColumn(column).execute();
  }
}
