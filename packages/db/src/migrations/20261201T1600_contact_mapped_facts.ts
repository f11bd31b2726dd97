import { type Kysely, sql } from 'kysely';

/**
 * contact-sync publishes `contact.mapped` facts about its mappings (other services stop reading this table).
 * `mapped_version` grows, in the transaction that changes a mapping's ids, phone, e-mail or closed state;
 * `published_version` is the last version relayed to Kafka. A row where they differ is the outbox: relayed
 * after the commit, and at start-up. Existing rows start at 1 / 0, so the first start after this migration
 * publishes every mapping once (the backfill for deployments that had mappings before the facts existed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contact_mappings')
    .addColumn('mapped_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('published_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Only the unpublished rows are indexed: almost always none, so the relay's lookup stays cheap.
  await db.schema
    .createIndex('contact_mappings_unpublished_idx')
    .on('contact_mappings')
    .column('updated_at')
    .where(sql.ref('mapped_version'), '>', sql.ref('published_version'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contact_mappings_unpublished_idx').execute();
  await db.schema.alterTable('contact_mappings').dropColumn('published_version').execute();
  await db.schema.alterTable('contact_mappings').dropColumn('mapped_version').execute();
}
