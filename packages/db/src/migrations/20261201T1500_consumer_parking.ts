import { type Kysely, sql } from 'kysely';

/**
 * Where a consumer group parks a key that spent its retry budget: the key's schedule, and its records in
 * arrival order, byte for byte. Postgres rather than a retry topic because release, inspection and "is this
 * key parked?" are lookups by key, which a topic cannot answer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consumer_parked_keys')
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('parked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('next_retry_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('claimed_until', 'timestamptz')
    .addPrimaryKeyConstraint('consumer_parked_keys_pk', ['group_id', 'key'])
    .execute();
  await db.schema
    .createIndex('consumer_parked_keys_due')
    .on('consumer_parked_keys')
    .columns(['group_id', 'next_retry_at'])
    .execute();
  await db.schema
    .createTable('consumer_parked_records')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('offset', 'text', (c) => c.notNull())
    .addColumn('value', 'bytea')
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('parked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A redelivered record (after a crash between parking and committing) must not queue twice.
  await db.schema
    .createIndex('consumer_parked_records_source')
    .on('consumer_parked_records')
    .columns(['group_id', 'topic', 'partition', 'offset'])
    .unique()
    .execute();
  await db.schema
    .createIndex('consumer_parked_records_by_key')
    .on('consumer_parked_records')
    .columns(['group_id', 'key', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consumer_parked_records').execute();
  await db.schema.dropTable('consumer_parked_keys').execute();
}
