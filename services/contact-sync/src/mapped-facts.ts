import { type ContactMapped, contactMappedId } from '@df/contracts';
import type { Database } from '@df/db';
import type { Kysely, Selectable } from 'kysely';
import type { PersonState } from './domain/plan.ts';

/** Publishes facts on contact-sync's mappings topic; resolves once Kafka has them. */
export type PublishMapped = (facts: ContactMapped[]) => Promise<void>;

/**
 * Whether a save changes what a `contact.mapped` fact says (ids, phone, e-mail, closed). Field merges and echo
 * memory change a mapping on almost every event; only these matter to the services that project it.
 */
export function mappingChanged(before: PersonState | null, after: PersonState): boolean {
  if (!before) return true;
  return (
    before.alowareContactId !== after.alowareContactId ||
    before.ghlContactId !== after.ghlContactId ||
    before.phone !== after.phone ||
    before.email !== after.email ||
    (before.deletedInGhlAt === null) !== (after.deletedInGhlAt === null)
  );
}

const FACT_COLUMNS = [
  'id',
  'tenant',
  'aloware_contact_id',
  'ghl_contact_id',
  'phone_number',
  'email',
  'deleted_in_ghl_at',
  'mapped_version',
  'updated_at',
] as const;
type FactRow = Pick<Selectable<Database['contact_mappings']>, (typeof FACT_COLUMNS)[number]>;

function toFact(row: FactRow): ContactMapped {
  return {
    id: contactMappedId(row.id, row.mapped_version),
    type: 'contact.mapped',
    // Mappings from before contact-sync recorded tenants have none.
    tenant: row.tenant || 'unknown',
    mappingId: row.id,
    version: row.mapped_version,
    alowareContactId: row.aloware_contact_id || null,
    ghlContactId: row.ghl_contact_id || null,
    phone: row.phone_number || null,
    email: row.email || null,
    closed: row.deleted_in_ghl_at !== null,
    at: new Date(row.updated_at).toISOString(),
  };
}

/** Which waiting facts a relay publishes: a handler's own mappings, a crash's leftovers, or (at start-up) all. */
export type MappedScope = { mappingIds: string[] } | { olderThanMs: number } | 'all';

/**
 * The mappings outbox: every mapping (in scope) whose version is ahead of the one last published is published
 * as it is now (a fact carries the whole mapping, so the latest state stands for every version it skipped),
 * then marked published at that version. Handlers relay the mappings they saved, and leftovers of a crash; the
 * start-up relays everything, which after the migration that introduced the facts is every existing mapping
 * (the backfill). Two relays running at once may both publish a version: same id, same content, and
 * projections keep the highest version, so the copy changes nothing.
 */
export async function relayMappedFacts(
  db: Kysely<Database>,
  publish: PublishMapped,
  scope: MappedScope,
  batchSize = 200,
): Promise<number> {
  if (scope !== 'all' && 'mappingIds' in scope && scope.mappingIds.length === 0) return 0;
  let published = 0;
  for (;;) {
    let query = db
      .selectFrom('contact_mappings')
      .select(FACT_COLUMNS)
      .whereRef('mapped_version', '>', 'published_version')
      .orderBy('updated_at')
      .limit(batchSize);
    if (scope !== 'all' && 'mappingIds' in scope) query = query.where('id', 'in', scope.mappingIds);
    if (scope !== 'all' && 'olderThanMs' in scope) {
      query = query.where('updated_at', '<', new Date(Date.now() - scope.olderThanMs));
    }
    const rows = await query.execute();
    if (rows.length === 0) return published;
    await publish(rows.map(toFact));
    // By version: a mapping changed again meanwhile keeps its newer version pending.
    for (const version of new Set(rows.map((r) => r.mapped_version))) {
      const ids = rows.filter((r) => r.mapped_version === version).map((r) => r.id);
      await db
        .updateTable('contact_mappings')
        .set({ published_version: version })
        .where('id', 'in', ids)
        .where('published_version', '<', version)
        .execute();
    }
    published += rows.length;
  }
}
