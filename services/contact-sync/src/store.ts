import type { Database } from '@df/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { FieldStates, Side } from './domain/merge.ts';
import type { Snapshot } from './domain/snapshot.ts';

/** One person as contact-sync knows them: the ids on both sides and the sync memory. */
export interface ContactRecord {
  id?: string;
  tenant: string;
  alowareContactId: string | null;
  ghlContactId: string | null;
  phone: string | null;
  email: string | null;
  fields: FieldStates;
  known: Record<Side, Snapshot | null>;
  /** Fingerprint of the last write into each side (see domain/snapshot.ts `fingerprint`). */
  written: Record<Side, string | null>;
  deletedInGhlAt: Date | null;
}

export type Db = Kysely<Database> | Transaction<Database>;

/**
 * Serializes all work on one person across every contact-sync instance until the transaction ends: an event
 * and the echo of the write it caused can never be decided at the same time.
 */
export async function lockPerson(trx: Transaction<Database>, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`contact:${key}`}, 0))`.execute(trx);
}

export async function isProcessed(db: Db, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('contact_sync_processed')
    .select('event_id')
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function markProcessed(db: Db, eventId: string): Promise<void> {
  await db
    .insertInto('contact_sync_processed')
    .values({ event_id: eventId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Finds the person: by the source's own id first, then by phone, then by e-mail. A phone or e-mail hit only
 * counts when that mapping has no other id on the event's side: two different contacts sharing a phone are
 * never merged into one.
 */
export async function findContact(
  db: Db,
  side: Side,
  ids: { sourceId: string | null; phone: string | null; email: string | null },
): Promise<ContactRecord | null> {
  const idColumn = side === 'ghl' ? 'ghl_contact_id' : 'aloware_contact_id';
  const base = db.selectFrom('contact_mappings').selectAll().where('deleted_in_ghl_at', 'is', null);
  let row = ids.sourceId ? await base.where(idColumn, '=', ids.sourceId).executeTakeFirst() : undefined;
  for (const [column, value] of [
    ['phone_number', ids.phone],
    ['email', ids.email],
  ] as const) {
    if (row || !value) continue;
    row = await base
      .where(column, '=', value)
      .where((eb) => eb.or([eb(idColumn, 'is', null), eb(idColumn, '=', ids.sourceId ?? '')]))
      .orderBy('created_at')
      .executeTakeFirst();
  }
  if (!row) return null;
  return {
    id: row.id,
    tenant: row.tenant ?? '',
    alowareContactId: row.aloware_contact_id,
    ghlContactId: row.ghl_contact_id,
    phone: row.phone_number,
    email: row.email,
    fields: (row.field_states ?? {}) as FieldStates,
    known: { ghl: row.ghl_known as Snapshot | null, aloware: row.aloware_known as Snapshot | null },
    written: { ghl: row.ghl_written_fingerprint, aloware: row.aloware_written_fingerprint },
    deletedInGhlAt: row.deleted_in_ghl_at,
  };
}

export async function findById(db: Db, side: Side, id: string) {
  return findContact(db, side, { sourceId: id, phone: null, email: null });
}

export async function saveContact(db: Db, contact: ContactRecord, direction: string): Promise<string> {
  const values = {
    tenant: contact.tenant,
    aloware_contact_id: contact.alowareContactId,
    ghl_contact_id: contact.ghlContactId,
    phone_number: contact.phone,
    email: contact.email,
    field_states: JSON.stringify(contact.fields),
    ghl_known: contact.known.ghl ? JSON.stringify(contact.known.ghl) : null,
    aloware_known: contact.known.aloware ? JSON.stringify(contact.known.aloware) : null,
    ghl_written_fingerprint: contact.written.ghl,
    aloware_written_fingerprint: contact.written.aloware,
    deleted_in_ghl_at: contact.deletedInGhlAt,
    last_synced_at: new Date(),
    updated_at: new Date(),
  };
  if (contact.id) {
    await db.updateTable('contact_mappings').set(values).where('id', '=', contact.id).execute();
    return contact.id;
  }
  const inserted = await db
    .insertInto('contact_mappings')
    .values({ ...values, sync_direction: direction })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}
