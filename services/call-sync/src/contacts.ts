import type { ContactMapped } from '@df/contracts';
import type { Database } from '@df/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Folds contact-sync's `contact.mapped` fact into call-sync's own copy of the mapping. One statement, so a
 * redelivery is harmless; a fact older than the row (lower version: facts of one mapping may travel under
 * different keys when its phone changed) changes nothing.
 */
export async function projectContactMapped(fact: ContactMapped, db: Db): Promise<void> {
  const row = {
    mapping_id: fact.mappingId,
    tenant: fact.tenant,
    version: fact.version,
    aloware_contact_id: fact.alowareContactId,
    ghl_contact_id: fact.ghlContactId,
    phone_number: fact.phone,
    email: fact.email,
    closed: fact.closed,
    fact_at: fact.at,
    updated_at: new Date(),
  };
  const { mapping_id: _key, ...replaced } = row;
  await db
    .insertInto('call_sync_contacts')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('mapping_id')
        .doUpdateSet(replaced)
        .where((eb) => eb('call_sync_contacts.version', '<', eb.ref('excluded.version'))),
    )
    .execute();
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
