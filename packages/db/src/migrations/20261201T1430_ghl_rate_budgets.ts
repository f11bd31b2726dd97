import { type Kysely, sql } from 'kysely';

/**
 * One GHL request budget per location, shared by every process that calls GHL for it (architecture guarantee 5).
 * A budget of `max_requests` per `interval_ms` is `max_requests` slot rows: a request leases a free slot before it
 * is sent and, once its response arrived, frees it one interval later — so no window can ever hold more requests than
 * there are slots, whichever processes sent them. A lease that is never released (a crashed process) expires on its
 * own. `paused_until` is the shared pause after a 429's `Retry-After` or an exhausted `X-RateLimit-Remaining`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ghl_rate_budgets')
    .addColumn('budget_key', 'text', (c) => c.primaryKey())
    .addColumn('max_requests', 'integer', (c) => c.notNull().check(sql`max_requests > 0`))
    .addColumn('interval_ms', 'integer', (c) => c.notNull().check(sql`interval_ms > 0`))
    .addColumn('paused_until', 'timestamptz', (c) => c.notNull().defaultTo(sql`'-infinity'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('ghl_rate_slots')
    .addColumn('budget_key', 'text', (c) =>
      c.notNull().references('ghl_rate_budgets.budget_key').onDelete('cascade'),
    )
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('free_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`'-infinity'`))
    .addColumn('holder', 'text')
    .addPrimaryKeyConstraint('ghl_rate_slots_pkey', ['budget_key', 'slot'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ghl_rate_slots').execute();
  await db.schema.dropTable('ghl_rate_budgets').execute();
}
