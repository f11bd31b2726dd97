import type { Kysely } from 'kysely';

/**
 * A person's write lease. contact-sync calls the tools with no transaction open, so two changes to one person
 * arriving on different topics (an Aloware edit and a GHL edit) could otherwise write in the reverse order of
 * their plans. The plan that has tool writes takes the lease; any other change to that person waits (retried)
 * until the writes are confirmed, or the lease runs out after a crash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contact_mappings')
    .addColumn('write_lease_holder', 'text')
    .addColumn('write_lease_until', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contact_mappings')
    .dropColumn('write_lease_holder')
    .dropColumn('write_lease_until')
    .execute();
}
