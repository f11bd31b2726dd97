import type { Database } from '@df/db';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { FieldStates, Side } from './domain/merge.ts';
import type { PersonState } from './domain/plan.ts';
import type { Snapshot } from './domain/snapshot.ts';
import { mappingChanged } from './mapped-facts.ts';

export type Db = Kysely<Database> | Transaction<Database>;

/** A person as stored: the mapping row's id and the state the decider works on. */
export interface StoredPerson {
  id: string;
  state: PersonState;
}

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

type Row = Selectable<Database['contact_mappings']>;

function toPerson(row: Row): StoredPerson {
  return {
    id: row.id,
    state: {
      tenant: row.tenant ?? '',
      alowareContactId: row.aloware_contact_id,
      ghlContactId: row.ghl_contact_id,
      phone: row.phone_number,
      email: row.email,
      fields: (row.field_states ?? {}) as FieldStates,
      known: { ghl: row.ghl_known as Snapshot | null, aloware: row.aloware_known as Snapshot | null },
      pendingEchoes: row.pending_echoes ?? { aloware: [], ghl: [] },
      deletedInGhlAt: row.deleted_in_ghl_at ? new Date(row.deleted_in_ghl_at).toISOString() : null,
    },
  };
}

/**
 * Finds the person an event is about: by the source's own id, then by phone, then by e-mail, closed mappings
 * included. A phone or e-mail hit may carry another id on the event's side: the decider calls that a duplicate
 * and applies its policy, instead of a second mapping failing a unique constraint.
 */
export async function findPerson(
  db: Db,
  side: Side,
  ids: { sourceId: string | null; phone: string | null; email: string | null },
): Promise<StoredPerson | null> {
  const idColumn = side === 'ghl' ? 'ghl_contact_id' : 'aloware_contact_id';
  const base = db.selectFrom('contact_mappings').selectAll();
  let row = ids.sourceId ? await base.where(idColumn, '=', ids.sourceId).executeTakeFirst() : undefined;
  // An e-mail names the person only when the event has no phone: a shared inbox (family, office) with
  // another number is someone else.
  for (const [column, value] of [
    ['phone_number', ids.phone],
    ['email', ids.phone ? null : ids.email],
  ] as const) {
    if (row || !value) continue;
    row = await base.where(column, '=', value).orderBy('created_at').executeTakeFirst();
  }
  return row ? toPerson(row) : null;
}

export async function loadPerson(db: Db, id: string): Promise<StoredPerson | null> {
  const row = await db.selectFrom('contact_mappings').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPerson(row) : null;
}

/** Whether another mapping already holds this GHL contact (GHL's duplicate rules can match one). */
export async function ghlContactMappedElsewhere(
  db: Db,
  ghlContactId: string,
  selfId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('contact_mappings')
    .select('id')
    .where('ghl_contact_id', '=', ghlContactId)
    .where('id', '!=', selfId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Whether a GHL create for a person with neither phone nor e-mail is in flight: a mapping with no GHL id yet
 * whose write lease holds. GHL's report of that contact can name the person by nothing but the new id.
 */
export async function ghlCreateInFlight(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('contact_mappings')
    .select('id')
    .where('ghl_contact_id', 'is', null)
    .where('phone_number', 'is', null)
    .where('email', 'is', null)
    .where('write_lease_until', '>', new Date())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Saves the person's state. `before` is the state the caller loaded in this transaction: when the ids, phone,
 * e-mail or closed state differ, the mapping's version grows and the row joins the `contact.mapped` outbox
 * (see mapped-facts.ts); a new mapping starts there at version 1.
 */
export async function savePerson(
  db: Db,
  id: string | undefined,
  state: PersonState,
  direction: string,
  before: PersonState | null,
): Promise<string> {
  const values = {
    tenant: state.tenant,
    aloware_contact_id: state.alowareContactId,
    ghl_contact_id: state.ghlContactId,
    phone_number: state.phone,
    email: state.email,
    field_states: JSON.stringify(state.fields),
    ghl_known: state.known.ghl ? JSON.stringify(state.known.ghl) : null,
    aloware_known: state.known.aloware ? JSON.stringify(state.known.aloware) : null,
    pending_echoes: JSON.stringify(state.pendingEchoes),
    deleted_in_ghl_at: state.deletedInGhlAt ? new Date(state.deletedInGhlAt) : null,
    last_synced_at: new Date(),
    updated_at: new Date(),
  };
  if (id) {
    await db
      .updateTable('contact_mappings')
      .set((eb) => ({
        ...values,
        ...(mappingChanged(before, state) ? { mapped_version: eb('mapped_version', '+', 1) } : {}),
      }))
      .where('id', '=', id)
      .execute();
    return id;
  }
  const inserted = await db
    .insertInto('contact_mappings')
    .values({ ...values, sync_direction: direction })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

/** An outcome to report, with the event or command it answers. */
export interface OutboxEntry {
  id: string;
  cause: { id: string; correlationId: string; tenant: string };
  outcome: Record<string, unknown>;
}

/** Adds outcomes in the caller's transaction; an id already there (a step done again) is kept once. */
export async function addToOutbox(db: Db, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('contact_sync_outbox')
    .values(
      entries.map((e) => ({ id: e.id, cause: JSON.stringify(e.cause), outcome: JSON.stringify(e.outcome) })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Outcomes waiting to be published: these `ids` (what the caller just committed), or else leftovers older than
 * `olderThanMs` (a crash between a commit and its relay), oldest first.
 */
export async function pendingOutbox(
  db: Db,
  which: { ids: string[] } | { olderThanMs: number },
  limit = 100,
): Promise<OutboxEntry[]> {
  let query = db
    .selectFrom('contact_sync_outbox')
    .select(['id', 'cause', 'outcome'])
    .orderBy('created_at')
    .limit(limit);
  if ('ids' in which) {
    if (which.ids.length === 0) return [];
    query = query.where('id', 'in', which.ids);
  } else {
    query = query.where('created_at', '<', new Date(Date.now() - which.olderThanMs));
  }
  return query.execute();
}

export async function removeFromOutbox(db: Db, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('contact_sync_outbox').where('id', 'in', ids).execute();
}

/** How long a person's write lease lasts: longer than the slowest tool call, rate-limit waits included. */
export const WRITE_LEASE_MS = 120_000;

/** The change (event id) whose tool writes for this person are in flight, if its lease has not run out. */
export async function writeLeaseHolder(db: Db, id: string): Promise<string | null> {
  const row = await db
    .selectFrom('contact_mappings')
    .select(['write_lease_holder', 'write_lease_until'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row?.write_lease_holder || !row.write_lease_until) return null;
  return new Date(row.write_lease_until).getTime() > Date.now() ? row.write_lease_holder : null;
}

/** Takes the lease when it is free, run out, or already ours; false when another change holds it. */
export async function takeWriteLease(db: Db, id: string, holder: string): Promise<boolean> {
  const result = await db
    .updateTable('contact_mappings')
    .set({ write_lease_holder: holder, write_lease_until: new Date(Date.now() + WRITE_LEASE_MS) })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb('write_lease_holder', 'is', null),
        eb('write_lease_until', '<', new Date()),
        eb('write_lease_holder', '=', holder),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseWriteLease(db: Db, id: string, holder: string): Promise<void> {
  await db
    .updateTable('contact_mappings')
    .set({ write_lease_holder: null, write_lease_until: null })
    .where('id', '=', id)
    .where('write_lease_holder', '=', holder)
    .execute();
}
