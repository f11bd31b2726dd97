import { type Kysely, sql } from 'kysely';

/**
 * call-sync's own copy of contact-sync's mappings, projected from `contact.mapped` facts: who a call's person
 * is in GHL. One row per mapping, at the highest version seen (a stale fact never overwrites a newer one).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_sync_contacts')
    .addColumn('mapping_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('aloware_contact_id', 'text')
    .addColumn('ghl_contact_id', 'text')
    .addColumn('phone_number', 'text')
    .addColumn('email', 'text')
    .addColumn('closed', 'boolean', (c) => c.notNull())
    .addColumn('fact_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('call_sync_contacts_aloware_idx')
    .on('call_sync_contacts')
    .column('aloware_contact_id')
    .execute();
  await db.schema
    .createIndex('call_sync_contacts_phone_idx')
    .on('call_sync_contacts')
    .column('phone_number')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_sync_contacts').execute();
}
