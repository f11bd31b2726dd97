import { type Kysely, sql } from 'kysely';

/**
 * GHL OAuth connections per location, tokens encrypted at rest (AES-256-GCM, bound to the location id).
 * GHL rotates the refresh token on every refresh, so the newest one must survive a restart.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ghl_oauth_connections')
    .addColumn('location_id', 'text', (c) => c.primaryKey())
    .addColumn('company_id', 'text')
    .addColumn('user_type', 'text')
    .addColumn('access_token_enc', 'text', (c) => c.notNull())
    .addColumn('refresh_token_enc', 'text', (c) => c.notNull())
    .addColumn('access_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('active').check(sql`status in ('active', 'broken')`),
    )
    .addColumn('broken_reason', 'text')
    .addColumn('broken_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ghl_oauth_connections').execute();
}
