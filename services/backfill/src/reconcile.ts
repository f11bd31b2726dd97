import { randomUUID } from 'node:crypto';
import type { AlowareClient } from '@df/aloware-client';
import { type Command, nameUuid, toE164 } from '@df/contracts';
import type { Database } from '@df/db';
import type { GhlClient, GhlContact } from '@df/ghl-client';
import type { OutcomeInput } from '@df/service-runtime';
import type { Kysely } from 'kysely';
import {
  type AlowareView,
  compareContact,
  type Drift,
  type DriftKind,
  type ListRuleView,
  tagsToRebuild,
} from './domain/drift.ts';
import { paced } from './paced.ts';
import { mappingsByGhlId, membersByGhlId } from './projections.ts';
import { advance, finishRun, startRun } from './watermark.ts';

export const RECONCILE_JOB = 'reconcile';
export type ReconcileRequest = Extract<Command, { type: 'reconcile.requested' }>;
type Cause = Pick<ReconcileRequest, 'id' | 'correlationId' | 'tenant'>;

export interface ReconcileDeps {
  db: Kysely<Database>;
  /** A client on the bulk share of the location's budget (budget-share.ts). */
  ghl: Pick<GhlClient, 'searchContacts'>;
  aloware: Pick<AlowareClient, 'lookupContactByPhone'>;
  /** Aloware lookups started per second (and in flight at most). */
  alowarePerSecond: number;
  rules: ListRuleView[];
  pageSize: number;
  report: (cause: Cause, outcome: OutcomeInput) => Promise<unknown>;
  /** Publishes commands on `commands.v1` (healing goes through the owning services, never around them). */
  request: (commands: Command[]) => Promise<void>;
  afterPage?: (counts: Record<string, number>) => void | Promise<void>;
}

const alowareView = (
  found: Awaited<ReturnType<AlowareClient['lookupContactByPhone']>>,
): AlowareView | null =>
  found
    ? {
        id: String(found.id),
        firstName: found.first_name ?? null,
        lastName: found.last_name ?? null,
        email: found.email ?? null,
        isDnc: found.is_dnc === true,
        isOptedOut: found.is_opted_out === true,
        tags: (found.tags ?? []).map((t) => t.name),
      }
    : null;

// Contact drift is healed by contact-sync's "sync this contact now": it re-reads GHL and writes the merged
// state to both tools under its own conflict policy. List drift by a soft rebuild of the tag's list.
const HEALED_BY: Record<DriftKind, string> = {
  missing_mapping: 'contact.sync_requested',
  field_differs: 'contact.sync_requested',
  dnd_differs: 'contact.sync_requested',
  list_membership_differs: 'list.rebuild_requested',
};

/**
 * Compares every GHL contact of the tenant (paged on the bulk budget) with contact-sync's mapping, the Aloware
 * contact with its phone (looked up at `alowarePerSecond`) and list-sync's projection; reports each drift as an
 * outcome and, with `heal`, asks the owning service to repair it. Counts and progress in `sync_state`.
 */
export async function reconcile(command: ReconcileRequest, deps: ReconcileDeps) {
  const tenant = command.tenant;
  const runId = command.id;
  await startRun(deps.db, RECONCILE_JOB, tenant, runId);
  const counts: Record<string, number> = { read: 0, looked_up: 0, drift: 0, healed: 0, rebuilds: 0 };
  const listDrift: Drift[] = [];
  let cursor: Array<string | number> | undefined;
  const limit = command.data.limit ?? Number.POSITIVE_INFINITY;
  while (counts.read! < limit) {
    const page = await deps.ghl.searchContacts({
      pageLimit: Math.min(deps.pageSize, limit - counts.read!),
      sort: [{ field: 'dateAdded', direction: 'asc' }],
      ...(cursor ? { searchAfter: cursor } : {}),
    });
    const drifts = await comparePage(page.contacts, tenant, deps, counts);
    for (const drift of drifts) {
      counts.drift! += 1;
      counts[drift.kind] = (counts[drift.kind] ?? 0) + 1;
      if (drift.kind === 'list_membership_differs') listDrift.push(drift);
    }
    // Outcome ids derive from the run, contact and kind: a page reported again after a crash adds no row.
    await Promise.all(drifts.map((drift) => deps.report(command, outcomeOf(command, drift))));
    if (command.data.heal) {
      const heal = [
        ...new Set(
          drifts.filter((d) => HEALED_BY[d.kind] === 'contact.sync_requested').map((d) => d.ghlContactId),
        ),
      ];
      await deps.request(heal.map((ghlContactId) => syncRequest(command, ghlContactId)));
      counts.healed! += heal.length;
    }
    counts.read! += page.contacts.length;
    counts.total = page.total;
    cursor = page.contacts.at(-1)?.searchAfter;
    await advance(deps.db, RECONCILE_JOB, tenant, runId, { cursor: cursor ?? null, counts });
    await deps.afterPage?.({ ...counts });
    if (page.contacts.length === 0 || !cursor || page.contacts.length < deps.pageSize) break;
  }
  if (command.data.heal) {
    const tags = tagsToRebuild(listDrift, deps.rules);
    await deps.request(tags.map((tag) => rebuildRequest(command, tag)));
    counts.rebuilds = tags.length;
  }
  await advance(deps.db, RECONCILE_JOB, tenant, runId, { cursor: cursor ?? null, counts });
  await finishRun(deps.db, RECONCILE_JOB, tenant, runId);
  await deps.report(command, {
    id: nameUuid(`${command.id}|reconcile|summary`),
    entity: { type: 'contact', id: null },
    direction: 'internal',
    action: 'skipped',
    reason: `reconcile: ${summaryText(counts)}`,
    target: { system: 'middleware', id: null },
  });
  return counts;
}

async function comparePage(
  contacts: GhlContact[],
  tenant: string,
  deps: ReconcileDeps,
  counts: Record<string, number>,
): Promise<Drift[]> {
  const ids = contacts.map((c) => c.id);
  const [mappings, members] = await Promise.all([
    mappingsByGhlId(deps.db, ids),
    membersByGhlId(deps.db, tenant, ids),
  ]);
  const found = await paced(contacts, deps.alowarePerSecond, async (contact) => {
    const phone = toE164(contact.phone);
    if (!phone) return undefined;
    counts.looked_up! += 1;
    return alowareView(await deps.aloware.lookupContactByPhone(phone));
  });
  return contacts.flatMap((ghl, n) =>
    compareContact(
      { ghl, mapping: mappings.get(ghl.id) ?? null, aloware: found[n], member: members.get(ghl.id) ?? null },
      deps.rules,
    ),
  );
}

function outcomeOf(command: ReconcileRequest, drift: Drift): OutcomeInput {
  const healing = command.data.heal ? `; heal: ${HEALED_BY[drift.kind]}` : '';
  return {
    id: nameUuid(`${command.id}|reconcile|${drift.ghlContactId}|${drift.kind}`),
    entity: { type: 'contact', id: drift.ghlContactId },
    direction: 'internal',
    action: command.data.heal ? 'sent' : 'skipped',
    reason: `drift: ${drift.kind} (${drift.details.join(', ')})${healing}`,
    target: { system: 'middleware', id: null },
  };
}

export function summaryText(counts: Record<string, number>): string {
  const kinds = ['missing_mapping', 'field_differs', 'dnd_differs', 'list_membership_differs']
    .map((k) => `${k} ${counts[k] ?? 0}`)
    .join(', ');
  return `${counts.read ?? 0} contacts, ${counts.looked_up ?? 0} Aloware lookups, ${counts.drift ?? 0} drift (${kinds}); ${counts.healed ?? 0} contacts and ${counts.rebuilds ?? 0} lists sent to heal`;
}

const commandBase = (cause: ReconcileRequest) => ({
  id: randomUUID(),
  tenant: cause.tenant,
  requestedAt: new Date().toISOString(),
  requestedBy: 'reconcile',
  correlationId: cause.correlationId,
});

function syncRequest(cause: ReconcileRequest, ghlContactId: string): Command {
  return {
    ...commandBase(cause),
    id: nameUuid(`${cause.id}|heal|${ghlContactId}`),
    type: 'contact.sync_requested',
    data: { target: { by: 'ghl_id', ghlContactId } },
  };
}

function rebuildRequest(cause: ReconcileRequest, tag: string): Command {
  return {
    ...commandBase(cause),
    id: nameUuid(`${cause.id}|heal|list|${tag}`),
    type: 'list.rebuild_requested',
    data: { target: { by: 'tag', tag }, mode: 'soft' },
  };
}
