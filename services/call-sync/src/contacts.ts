import type { ContactMapped } from '@df/contracts';
import type { Database } from '@df/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** call-sync's row of a mapping: a pure function of the fact, used live and by a rebuild. */
export function callSyncContactRow(fact: ContactMapped) {
  return {
    mapping_id: fact.mappingId,
    tenant: fact.tenant,
    version: fact.version,
    aloware_contact_id: fact.alowareContactId,
    ghl_contact_id: fact.ghlContactId,
    phone_number: fact.phone,
    email: fact.email,
    closed: fact.closed,
    fact_at: fact.at,
  };
}

/**
 * Upserts rows of mappings, each replaced only by a higher version: a redelivery is harmless, and a fact older
 * than the row (facts of one mapping may travel under different keys when its phone changed) changes nothing.
 */
export async function upsertCallSyncContacts(db: Db, rows: ReturnType<typeof callSyncContactRow>[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('call_sync_contacts')
    .values(rows.map((row) => ({ ...row, updated_at: new Date() })))
    .onConflict((oc) =>
      oc
        .column('mapping_id')
        .doUpdateSet((eb) => ({
          tenant: eb.ref('excluded.tenant'),
          version: eb.ref('excluded.version'),
          aloware_contact_id: eb.ref('excluded.aloware_contact_id'),
          ghl_contact_id: eb.ref('excluded.ghl_contact_id'),
          phone_number: eb.ref('excluded.phone_number'),
          email: eb.ref('excluded.email'),
          closed: eb.ref('excluded.closed'),
          fact_at: eb.ref('excluded.fact_at'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where((eb) => eb('call_sync_contacts.version', '<', eb.ref('excluded.version'))),
    )
    .execute();
}

/** Folds contact-sync's `contact.mapped` fact into call-sync's own copy of the mapping, in one statement. */
export function projectContactMapped(fact: ContactMapped, db: Db): Promise<void> {
  return upsertCallSyncContacts(db, [callSyncContactRow(fact)]);
}

export interface MappedContact {
  ghlContactId: string;
  /** GHL deleted the contact and contact-sync respects the delete. */
  closed: boolean;
}

/**
 * The GHL contact of a call's person, by Aloware id, then by phone. Not filtered by tenant: a mapping's tenant
 * is that of the event that created it (GHL location or Aloware company), and one deployment serves one pair,
 * as contact-sync's own lookups assume. The most recently saved mapping wins a tie.
 */
export async function mappedContact(
  db: Db,
  person: { alowareContactId: string | null; contactPhone: string | null },
): Promise<MappedContact | null> {
  const query = db
    .selectFrom('call_sync_contacts')
    .select(['ghl_contact_id', 'closed'])
    .where('ghl_contact_id', 'is not', null)
    .orderBy('fact_at', 'desc')
    .limit(1);
  const row =
    (person.alowareContactId
      ? await query.where('aloware_contact_id', '=', person.alowareContactId).executeTakeFirst()
      : undefined) ??
    (person.contactPhone
      ? await query.where('phone_number', '=', person.contactPhone).executeTakeFirst()
      : undefined);
  return row?.ghl_contact_id ? { ghlContactId: row.ghl_contact_id, closed: row.closed } : null;
}
