import { ContactMapped, TOPICS } from '@df/contracts';
import type { Projection } from '@df/replay';
import { sql } from 'kysely';

/** The mapping columns a `contact.mapped` fact determines: what contact-sync learned from the tools' answers. */
export function mappingRow(fact: ContactMapped) {
  return {
    id: fact.mappingId,
    // A fact says `unknown` for a mapping saved before contact-sync recorded tenants (mapped-facts.ts).
    tenant: fact.tenant === 'unknown' ? null : fact.tenant,
    aloware_contact_id: fact.alowareContactId,
    ghl_contact_id: fact.ghlContactId,
    phone_number: fact.phone,
    email: fact.email,
    // The fact says whether the mapping is closed, not when GHL deleted the contact: its save time stands in.
    deleted_in_ghl_at: fact.closed ? fact.at : null,
    mapped_version: fact.version,
    published_version: fact.version,
  };
}

/**
 * contact-sync's mappings rebuilt from the `contact.mapped` facts it published, never from the tools: the GHL
 * id it learned by creating a contact is in the fact. The highest version of each mapping wins, whatever order
 * the facts come in. Per-field merge state, what each tool was last seen holding, pending echoes and leases
 * are working memory the log does not carry: the switch keeps them from the live rows, and a mapping the live
 * table had lost starts without them (its next event from each tool fills them in). A live mapping whose
 * version is ahead of the one relayed (`mapped_version > published_version`, the outbox) is not on the log
 * yet, and is left as it is.
 */
export const contactMappingsProjection: Projection<ContactMapped> = {
  name: 'contact-mappings',
  group: 'contact-sync',
  topics: [TOPICS.contactMappings],
  tables: [
    {
      name: 'contact_mappings',
      key: ['id'],
      compared: [
        'tenant',
        'aloware_contact_id',
        'ghl_contact_id',
        'phone_number',
        'email',
        'mapped_version',
        'published_version',
      ],
      comparedAsPresence: ['deleted_in_ghl_at'],
      uniqueLiveOnly: ['aloware_contact_id', 'ghl_contact_id'],
      insertOnly: ['sync_direction', 'updated_at', 'last_synced_at'],
      keepLive: (live) =>
        sql<boolean>`${sql.ref(`${live}.mapped_version`)} > ${sql.ref(`${live}.published_version`)}`,
    },
  ],
  decode: (value) => ContactMapped.parse(value),
  async write(db, facts) {
    // One row per mapping in a statement (Postgres refuses to upsert a row twice in one insert).
    const latest = new Map<string, ContactMapped>();
    for (const fact of facts) {
      const known = latest.get(fact.mappingId);
      if (!known || known.version < fact.version) latest.set(fact.mappingId, fact);
    }
    const rows = [...latest.values()].map((fact) => ({
      ...mappingRow(fact),
      sync_direction: 'bidirectional',
      updated_at: fact.at,
      last_synced_at: fact.at,
    }));
    if (rows.length === 0) return;
    await db
      .insertInto('contact_mappings')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            tenant: eb.ref('excluded.tenant'),
            aloware_contact_id: eb.ref('excluded.aloware_contact_id'),
            ghl_contact_id: eb.ref('excluded.ghl_contact_id'),
            phone_number: eb.ref('excluded.phone_number'),
            email: eb.ref('excluded.email'),
            deleted_in_ghl_at: eb.ref('excluded.deleted_in_ghl_at'),
            mapped_version: eb.ref('excluded.mapped_version'),
            published_version: eb.ref('excluded.published_version'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where((eb) => eb('contact_mappings.mapped_version', '<', eb.ref('excluded.mapped_version'))),
      )
      .execute();
  },
};
