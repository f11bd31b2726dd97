import { type Kysely, sql } from 'kysely';

/**
 * The accept path without delivery receipts. Redeliveries now carry the same event id (derived from the
 * delivery's identity) and consumers absorb them, so `ingress_receipts` goes. What replaces it:
 * - `ingress_replay_guards`: permanent identities of deliveries that carry no timestamp to bound a replay
 *   (GHL provider messages), recorded only after the event is durable;
 * - `ingress_set_aside`: records that can never be published (schema-invalid, too large), with the reason,
 *   so they never block the spool and an operator can retry or discard them;
 * - `ingress_raw_bodies`: raw bodies too large to travel inside their event, kept by event id;
 * - `ingress_spool.bytes` caps drain batches, and the key index answers "does this key have a backlog".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingress_receipts').ifExists().execute();

  await db.schema
    .alterTable('ingress_spool')
    .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('ingress_spool_key_idx')
    .on('ingress_spool')
    .columns(['record_key', 'topic'])
    .execute();

  await db.schema
    .createTable('ingress_set_aside')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('set_aside_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ingress_raw_bodies')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('stored_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ingress_replay_guards')
    .addColumn('guard', 'text', (c) => c.primaryKey())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingress_replay_guards').execute();
  await db.schema.dropTable('ingress_raw_bodies').execute();
  await db.schema.dropTable('ingress_set_aside').execute();
  await db.schema.dropIndex('ingress_spool_key_idx').execute();
  await db.schema.alterTable('ingress_spool').dropColumn('bytes').execute();
  await db.schema
    .createTable('ingress_receipts')
    .addColumn('dedupe_key', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
