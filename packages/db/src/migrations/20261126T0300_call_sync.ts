import { type Kysely, sql } from 'kysely';

/**
 * call-sync's projection: one row per Aloware call with everything its webhooks said so far, the GHL note it
 * became, the tags already applied and whether GHL is behind (`dirty`). The consumer only updates this row;
 * a flusher writes dirty rows to GHL once a call's burst of webhooks has settled (coalescing).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_notes')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('ghl_contact_id', 'text')
    .addColumn('ghl_note_id', 'text')
    .addColumn('note_fingerprint', 'text')
    .addColumn('tags_applied', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('dirty', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('dirty_since', 'timestamptz')
    .addColumn('last_event_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_event_id', 'uuid', (c) => c.notNull())
    .addColumn('last_correlation_id', 'text', (c) => c.notNull())
    .addColumn('flush_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_flush_at', 'timestamptz')
    .addColumn('skipped_reason', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index call_notes_dirty_idx on call_notes (last_event_at) where dirty`.execute(db);

  // Written outside the flush transaction, before a note create: after a crash, the retry looks for the note
  // it may have created instead of creating a second one.
  await db.schema
    .createTable('call_note_create_attempts')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('call_sync_processed')
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_sync_processed').execute();
  await db.schema.dropTable('call_note_create_attempts').execute();
  await db.schema.dropTable('call_notes').execute();
}
