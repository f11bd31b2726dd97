import { type Kysely, sql } from 'kysely';

/**
 * Spooled and set-aside values, and raw bodies kept aside, as JSON text instead of `jsonb`: `jsonb` refuses
 * the NUL character (`\u0000`), which a webhook body may legally carry, and reorders keys, so a raw body's
 * hash could never be checked against what was stored. Text keeps the value exactly as serialized.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ingress_spool alter column value type text using value::text`.execute(db);
  await sql`alter table ingress_set_aside alter column value type text using value::text`.execute(db);
  await sql`alter table ingress_raw_bodies alter column body type text using body::text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table ingress_raw_bodies alter column body type jsonb using body::jsonb`.execute(db);
  await sql`alter table ingress_set_aside alter column value type jsonb using value::jsonb`.execute(db);
  await sql`alter table ingress_spool alter column value type jsonb using value::jsonb`.execute(db);
}
