import { type Kysely, sql } from 'kysely';

/**
 * list-sync's membership projection: per GHL contact, what GHL last told us (tags, phone, consent) and what the
 * service has put in Aloware's power-dialer lists; plus the events it has fully processed.
 * `removing_phone` is the intent of a remove-from-all-lists in flight: a crash before the re-add leaves it set,
 * and the next event (the redelivery) then re-adds whatever the contact must stay in.
 * `lease_holder` / `lease_until`: the change whose tool calls are in flight; another change to the contact
 * (a phone change arrives under another record key, a rebuild runs beside the events) waits for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('list_sync_members')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('ghl_contact_id', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('tags', 'jsonb', (c) => c.notNull())
    .addColumn('calls_blocked', 'boolean', (c) => c.notNull())
    .addColumn('deleted', 'boolean', (c) => c.notNull())
    .addColumn('facts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('applied', 'jsonb')
    .addColumn('removing_phone', 'text')
    .addColumn('aloware_contact_id', 'text')
    .addColumn('lease_holder', 'text')
    .addColumn('lease_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('list_sync_members_pk', ['tenant', 'ghl_contact_id'])
    .execute();
  await db.schema
    .createIndex('list_sync_members_tags_idx')
    .on('list_sync_members')
    .using('gin')
    .column('tags')
    .execute();
  await db.schema
    .createTable('list_sync_processed')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('list_sync_processed').execute();
  await db.schema.dropTable('list_sync_members').execute();
}
