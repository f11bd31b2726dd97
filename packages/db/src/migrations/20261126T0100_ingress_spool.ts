import { type Kysely, sql } from 'kysely';

/**
 * Ingress-owned tables. `ingress_spool` holds accepted events while Kafka is unreachable, in arrival order
 * (`seq`), until the drainer publishes them. `ingress_receipts` remembers the dedupe key of every accepted
 * delivery so a redelivered webhook is acknowledged without being published twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ingress_spool')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('record_key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('spooled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('ingress_receipts')
    .addColumn('dedupe_key', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_ids', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ingress_receipts_received_at_idx')
    .on('ingress_receipts')
    .column('received_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingress_receipts').execute();
  await db.schema.dropTable('ingress_spool').execute();
}
