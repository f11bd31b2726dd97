import { type Kysely, sql } from 'kysely';

/**
 * contact-sync v2.
 * - `contact_sync_outbox`: outcomes written in the same transaction as the mapping they describe, published
 *   to `sync.outcomes.v1` after the commit (and again, with the same ids, after a crash in between).
 * - contact-sync remembers, per side, the writes whose echo has not come back yet (consumed when it does,
 * dropped when the side reports anything else), instead of one fingerprint of the last write that was never
 * cleared and swallowed a user's A → B → A edit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contact_mappings')
    .addColumn('pending_echoes', 'jsonb', (c) => c.notNull().defaultTo(sql`'{"aloware":[],"ghl":[]}'::jsonb`))
    .execute();
  await db.schema.alterTable('contact_mappings').dropColumn('ghl_written_fingerprint').execute();
  await db.schema.alterTable('contact_mappings').dropColumn('aloware_written_fingerprint').execute();
  await db.schema
    .createTable('contact_sync_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cause', 'jsonb', (c) => c.notNull())
    .addColumn('outcome', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_sync_outbox').execute();
  await db.schema.alterTable('contact_mappings').addColumn('ghl_written_fingerprint', 'text').execute();
  await db.schema.alterTable('contact_mappings').addColumn('aloware_written_fingerprint', 'text').execute();
  await db.schema.alterTable('contact_mappings').dropColumn('pending_echoes').execute();
}
