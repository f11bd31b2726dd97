import { type Kysely, sql } from 'kysely';

/** The seed's four tables, with the indexes its report lists. Append-only: later changes get new migrations. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('payload_json', 'jsonb', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'processing', 'done', 'error')`),
    )
    .addColumn('error_message', 'text')
    .addColumn('processed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('webhook_events_status_idx').on('webhook_events').column('status').execute();
  await db.schema
    .createIndex('webhook_events_source_status_idx')
    .on('webhook_events')
    .columns(['source', 'status'])
    .execute();
  await db.schema
    .createIndex('webhook_events_received_at_idx')
    .on('webhook_events')
    .column('received_at')
    .execute();
  await db.schema
    .createIndex('webhook_events_entity_idx')
    .on('webhook_events')
    .columns(['entity_type', 'entity_id'])
    .execute();

  await db.schema
    .createTable('sync_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('target_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('error_message', 'text')
    .addColumn('correlation_id', 'text')
    .execute();
  await db.schema
    .createIndex('sync_log_entity_idx')
    .on('sync_log')
    .columns(['entity_type', 'entity_id'])
    .execute();
  await db.schema.createIndex('sync_log_direction_idx').on('sync_log').column('direction').execute();
  await db.schema.createIndex('sync_log_started_at_idx').on('sync_log').column('started_at').execute();
  await db.schema
    .createIndex('sync_log_correlation_id_idx')
    .on('sync_log')
    .column('correlation_id')
    .execute();

  await db.schema
    .createTable('contact_mappings')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // Either side may be missing for a while (a GHL contact without a phone cannot exist in Aloware).
    .addColumn('aloware_contact_id', 'text', (c) => c.unique())
    .addColumn('ghl_contact_id', 'text', (c) => c.unique())
    .addColumn('phone_number', 'text')
    .addColumn('email', 'text')
    .addColumn('last_synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sync_direction', 'text', (c) =>
      c.notNull().check(sql`sync_direction in ('aloware_to_ghl', 'ghl_to_aloware', 'bidirectional')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'contact_mappings_one_side',
      sql`aloware_contact_id is not null or ghl_contact_id is not null`,
    )
    .execute();
  await db.schema
    .createIndex('contact_mappings_phone_idx')
    .on('contact_mappings')
    .column('phone_number')
    .execute();
  await db.schema.createIndex('contact_mappings_email_idx').on('contact_mappings').column('email').execute();

  await db.schema
    .createTable('sync_state')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('cursor_updated_at', 'timestamptz')
    .addColumn('cursor_id', 'text')
    .addColumn('last_run_at', 'timestamptz')
    .addColumn('last_success_at', 'timestamptz')
    .addUniqueConstraint('sync_state_direction_entity_key', ['direction', 'entity_type'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sync_state', 'contact_mappings', 'sync_log', 'webhook_events']) {
    await db.schema.dropTable(table).execute();
  }
}
