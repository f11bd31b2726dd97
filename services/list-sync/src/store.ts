import type { Database, ListSyncApplied } from '@df/db';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { MemberState, Membership } from './domain/membership.ts';

type Db = Kysely<Database> | Transaction<Database>;
type Row = Selectable<Database['list_sync_members']>;

export interface MemberKey {
  tenant: string;
  ghlContactId: string;
}

export interface StoredMember extends MemberState {
  factsAt: Date;
  alowareContactId: string | null;
  lease: { holder: string; until: Date } | null;
}

/** Serializes the work on one contact across instances and the rebuild (held for one short transaction). */
export async function lockMember(trx: Transaction<Database>, key: MemberKey): Promise<void> {
  const name = `list-sync:${key.tenant}:${key.ghlContactId}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`.execute(trx);
}

export async function isProcessed(db: Db, eventId: string): Promise<boolean> {
  const row = await db
    .selectFrom('list_sync_processed')
    .select('event_id')
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function markProcessed(db: Db, eventId: string): Promise<void> {
  await db
    .insertInto('list_sync_processed')
    .values({ event_id: eventId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

const toMember = (row: Row): StoredMember => ({
  facts: { phone: row.phone, tags: row.tags, callsBlocked: row.calls_blocked, deleted: row.deleted },
  applied: row.applied,
  removingPhone: row.removing_phone,
  factsAt: row.facts_at,
  alowareContactId: row.aloware_contact_id,
  lease: row.lease_holder && row.lease_until ? { holder: row.lease_holder, until: row.lease_until } : null,
});

export async function loadMember(db: Db, key: MemberKey): Promise<StoredMember | null> {
  const row = await db
    .selectFrom('list_sync_members')
    .selectAll()
    .where('tenant', '=', key.tenant)
    .where('ghl_contact_id', '=', key.ghlContactId)
    .executeTakeFirst();
  return row ? toMember(row) : null;
}

export async function saveMember(db: Db, key: MemberKey, member: StoredMember): Promise<void> {
  const values = {
    phone: member.facts.phone,
    tags: JSON.stringify(member.facts.tags),
    calls_blocked: member.facts.callsBlocked,
    deleted: member.facts.deleted,
    facts_at: member.factsAt,
    applied: member.applied ? JSON.stringify(member.applied satisfies ListSyncApplied) : null,
    removing_phone: member.removingPhone,
    aloware_contact_id: member.alowareContactId,
    lease_holder: member.lease?.holder ?? null,
    lease_until: member.lease?.until ?? null,
    updated_at: new Date(),
  };
  await db
    .insertInto('list_sync_members')
    .values({ tenant: key.tenant, ghl_contact_id: key.ghlContactId, ...values })
    .onConflict((oc) => oc.columns(['tenant', 'ghl_contact_id']).doUpdateSet(values))
    .execute();
}

/** After a list is cleared: nobody is in it any more, as far as the projection knows. */
export async function forgetList(db: Kysely<Database>, tenant: string, ids: string[], listId: number) {
  for (const ghlContactId of ids) {
    await db.transaction().execute(async (trx) => {
      const key = { tenant, ghlContactId };
      await lockMember(trx, key);
      const member = await loadMember(trx, key);
      if (!member?.applied?.listIds.includes(listId)) return;
      const listIds = member.applied.listIds.filter((id) => id !== listId);
      await saveMember(trx, key, { ...member, applied: { ...member.applied, listIds } });
    });
  }
}

/** Contacts the projection has with the tag, or in the list: the rebuild re-reads those GHL's search missed. */
export async function membersOf(
  db: Db,
  tenant: string,
  tag: string,
  listId: number | null,
): Promise<string[]> {
  const rows = await db
    .selectFrom('list_sync_members')
    .select('ghl_contact_id')
    .where('tenant', '=', tenant)
    .where((eb) =>
      eb.or([
        eb(sql.ref('tags'), '@>', sql`${JSON.stringify([tag])}::jsonb`),
        ...(listId === null
          ? [eb(sql.ref('applied'), 'is not', null)]
          : [eb(sql`applied -> 'listIds'`, '@>', sql`${JSON.stringify([listId])}::jsonb`)]),
      ]),
    )
    .execute();
  return rows.map((r) => r.ghl_contact_id);
}

/** What the other GHL contacts of the tenant hold in Aloware on these phones (duplicates share one Aloware contact). */
export async function appliedByOthersOn(db: Db, key: MemberKey, phones: string[]): Promise<Membership[]> {
  const rows = await db
    .selectFrom('list_sync_members')
    .select('applied')
    .where('tenant', '=', key.tenant)
    .where('ghl_contact_id', '!=', key.ghlContactId)
    .where(sql<string>`applied ->> 'phone'`, 'in', phones)
    .execute();
  return rows.flatMap((r) => (r.applied ? [r.applied] : []));
}
