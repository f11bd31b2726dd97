import type { Database } from '@df/db';
import type { Kysely } from 'kysely';
import type { MappingView, MemberView } from './domain/drift.ts';

/*
 * Read-only views of contact-sync's and list-sync's projections, for reconciliation's report only. Services
 * read each other's facts from Kafka, not their tables; this job is the one deliberate exception: it compares
 * what those services hold with what the tools hold, writes nothing there, and heals through their commands.
 */

export async function mappingsByGhlId(db: Kysely<Database>, ghlIds: string[]) {
  if (ghlIds.length === 0) return new Map<string, MappingView>();
  const rows = await db
    .selectFrom('contact_mappings')
    .select(['ghl_contact_id', 'aloware_contact_id', 'deleted_in_ghl_at'])
    .where('ghl_contact_id', 'in', ghlIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.ghl_contact_id ?? '',
      { alowareContactId: r.aloware_contact_id, deletedInGhl: r.deleted_in_ghl_at !== null },
    ]),
  );
}

export async function membersByGhlId(db: Kysely<Database>, tenant: string, ghlIds: string[]) {
  if (ghlIds.length === 0) return new Map<string, MemberView>();
  const rows = await db
    .selectFrom('list_sync_members')
    .select(['ghl_contact_id', 'applied'])
    .where('tenant', '=', tenant)
    .where('ghl_contact_id', 'in', ghlIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.ghl_contact_id,
      { listIds: r.applied?.listIds ?? [], ownerDialer: r.applied?.ownerDialer ?? false },
    ]),
  );
}
