import { type EventEnvelope, nameUuid } from '@df/contracts';
import type { Database } from '@df/db';
import type { OutcomeInput } from '@df/service-runtime';
import { isToolError } from '@df/tool-http';
import type { Kysely, Transaction } from 'kysely';
import {
  type ContactFacts,
  type MembershipPlan,
  planMembership,
  type RemovalMode,
  removes,
} from './domain/membership.ts';
import type { ListRule } from './domain/rules.ts';
import { ContactBusy, LEASE_MS, releaseLease, whenFree } from './lease.ts';
import { added, deferred, refused, removed, skipped } from './outcome-texts.ts';
import { markListForRebuild } from './removal-rebuilds.ts';
import {
  appliedByOthersOn,
  isProcessed,
  loadMember,
  lockMember,
  type MemberKey,
  markProcessed,
  type StoredMember,
  saveMember,
} from './store.ts';
import type { ListTools } from './tools.ts';

export interface ListSyncConfig {
  rules: ListRule[];
  /**
   * The GHL location the GHL client is bound to: a rebuild pages that location's search, so its contacts are
   * keyed by it whatever tenant the command names (the operator route defaults to the Aloware tenant).
   */
  ghlLocationId: string | null;
  /** The periodic soft rebuild of every rule's list (0 = off). */
  rebuildEveryMs: number;
  /** `LIST_SYNC_REMOVAL`: remove-from-all (default), or rebuild only the managed list a contact leaves. */
  removal?: RemovalMode;
  /** `configured_only`: how often the lists waiting for a removal are rebuilt (removals batch per list). */
  removalBatchMs?: number;
}

export interface ListSyncDeps {
  db: Kysely<Database>;
  tools: ListTools;
  config: ListSyncConfig;
  report: (cause: Cause, outcome: OutcomeInput) => Promise<unknown>;
}

/** What an outcome answers: an event, or an operator command. */
export type Cause = Pick<EventEnvelope, 'id' | 'correlationId' | 'tenant'>;

/** What is known about one contact and when GHL said it; `fresh` when just read from GHL's API. */
export interface Observation {
  key: MemberKey;
  facts: ContactFacts;
  at: Date;
  fresh: boolean;
}

export interface Reconciled {
  /** Writes made (0 for a skip or a contact already right). */
  writes: number;
  /** The projection held newer facts: nothing was decided. */
  stale: boolean;
}

/**
 * Brings one contact's memberships in Aloware to what the rules want, effectively once, in three short steps;
 * no transaction is open while a tool is called.
 * 0. A removal is decided on fresh facts: tag arrays arrive out of order and without the time of the change,
 *    so before anything leaves a list the contact is re-read from GHL (so is a tie with the projection's time,
 *    and a contact whose last removal never finished).
 * 1. Under the contact's lock: an observation older than the projection's is stale and skipped; otherwise the
 *    facts are saved with the intent of any remove-from-all (`removing_phone`). Commit.
 * 2. The tool calls, each reported as an outcome as it is made (ids derive from the cause and the step, so a
 *    repeat after a crash adds no row to the audit).
 * 3. Under the lock: what Aloware now holds is confirmed, the intent cleared, the event marked processed.
 * Step 1 takes a lease on the contact when there are calls to make, step 3 returns it: another change to the
 * same contact (a phone change arrives under another record key; a rebuild runs beside the events) waits, then
 * plans from what is confirmed, so no removal is planned against memberships not yet recorded.
 * A crash after the remove-from-all and before the confirmation leaves the intent: the redelivered event finds
 * it, re-reads GHL, removes again and re-adds everything the contact must stay in.
 */
export async function reconcile(
  observed: Observation,
  cause: Cause,
  deps: ListSyncDeps,
  options: { processedId?: string; step?: string; cleared?: number } = {},
): Promise<Reconciled> {
  const { key } = observed;
  const outcomeId = (name: string) =>
    nameUuid(`${cause.id}|list-sync|${options.step ?? ''}${key.ghlContactId}|${name}`);
  const report = (name: string, outcome: Omit<OutcomeInput, 'entity' | 'direction' | 'id'>) =>
    deps.report(cause, {
      id: outcomeId(name),
      entity: { type: 'contact', id: key.ghlContactId },
      direction: 'ghl_to_aloware',
      ...outcome,
    });
  const skip = (reason: string) => report(`skip-${reason}`, skipped(reason));

  const known = await loadMember(deps.db, key);
  const observation = await freshIfNeeded(observed, known, deps);

  const holder = `${cause.id}|${options.step ?? ''}${key.ghlContactId}`;
  const planned = await whenFree(() =>
    deps.db.transaction().execute(async (trx) => {
      await lockMember(trx, key);
      if (options.processedId && (await isProcessed(trx, options.processedId))) return 'done' as const;
      const member = withoutCleared(await loadMember(trx, key), options.cleared);
      const lease = member?.lease;
      if (lease && lease.holder !== holder && lease.until > new Date()) throw new ContactBusy();
      if (member && isStale(observation, member)) return 'stale' as const;
      const plan = await planWithSharers(trx, key, member, observation.facts, deps.config);
      const removing = plan.writes.find((w) => w.kind === 'remove_all')?.phone ?? null;
      await saveMember(trx, key, {
        facts: observation.facts,
        factsAt: observation.at,
        applied: member?.applied ?? null,
        removingPhone: removing ?? member?.removingPhone ?? null,
        alowareContactId: member?.alowareContactId ?? null,
        lease: changes(plan) ? { holder, until: new Date(Date.now() + LEASE_MS) } : null,
      });
      return { plan, member };
    }),
  );
  if (planned === 'done') return { writes: 0, stale: false };
  if (planned === 'stale') {
    await skip('stale');
    if (options.processedId) await markProcessed(deps.db, options.processedId);
    return { writes: 0, stale: true };
  }

  const { plan, member } = planned;
  for (const reason of plan.skips) await skip(reason);
  for (const listId of plan.rebuilds) await report(`defer-${listId}`, deferred(listId));
  // The Aloware id is remembered for the phone the contact is applied on (the remove endpoint takes ids).
  const cachedId = member?.alowareContactId ?? null;
  let nextId = plan.next && plan.next.phone === member?.applied?.phone ? cachedId : null;
  try {
    for (const [n, write] of plan.writes.entries()) {
      if (write.kind === 'remove_all') {
        const cached = member?.applied?.phone === write.phone ? cachedId : null;
        const id = await removeFromAll(write.phone, cached, deps.tools);
        if (write.phone === plan.next?.phone) nextId = id;
        await report(
          `write-${n}`,
          id ? removed(id, member?.applied ?? null, plan) : skipped('not_in_aloware'),
        );
      } else {
        await deps.tools
          .add(write.phone, write.listIds, write.ownerDialer, write.position)
          .catch(async (e) => {
            // Aloware refuses the whole call for a list id it does not have (a rule naming a list deleted or
            // mistyped): reported, then dead-lettered with the reason, since retrying cannot help.
            if (isToolError(e) && !e.retriable) await report(`write-${n}`, refused(write, e.code));
            throw e;
          });
        await report(`write-${n}`, added(write));
      }
    }
  } catch (error) {
    // The retry (or a parked key, or a dead letter) must not keep the contact's other changes waiting for the
    // lease to run out; the intent stays, so whoever comes next repairs a half-done removal.
    await releaseLease(deps.db, key, holder).catch(() => {});
    throw error;
  }

  await deps.db.transaction().execute(async (trx) => {
    await lockMember(trx, key);
    const now = await loadMember(trx, key);
    // Facts a newer event saved meanwhile stay; its own handling plans from what is confirmed here. With no
    // write made, Aloware holds what it held: a list cleared meanwhile by a hard rebuild stays forgotten.
    // A deferred removal is recorded with the change: the list's rebuild takes the contact out, the projection
    // already counts it out (a later tag re-adds it, idempotently, whether or not the rebuild ran yet).
    for (const listId of plan.rebuilds) await markListForRebuild(trx, key.tenant, listId);
    await saveMember(trx, key, {
      facts: now?.facts ?? observation.facts,
      factsAt: now?.factsAt ?? observation.at,
      applied: changes(plan) ? plan.next : (now?.applied ?? null),
      removingPhone: null,
      alowareContactId: nextId,
      lease: null,
    });
    if (options.processedId) await markProcessed(trx, options.processedId);
  });
  return { writes: plan.writes.length, stale: false };
}

/**
 * The plan, with a remove-from-all re-adding what other GHL contacts hold on that phone too: Aloware keeps one
 * contact per phone, so removing one GHL duplicate from every list removes the others as well.
 */
async function planWithSharers(
  trx: Transaction<Database>,
  key: MemberKey,
  member: StoredMember | null,
  facts: ContactFacts,
  config: ListSyncConfig,
): Promise<MembershipPlan> {
  const plan = planMembership(member, facts, config.rules, config.removal);
  const phones = plan.writes.flatMap((w) => (w.kind === 'remove_all' ? [w.phone] : []));
  if (phones.length === 0) return plan;
  const sharing = await appliedByOthersOn(trx, key, phones);
  return sharing.length === 0 ? plan : planMembership(member, facts, config.rules, config.removal, sharing);
}

const changes = (plan: { writes: unknown[]; rebuilds: number[] }) =>
  plan.writes.length > 0 || plan.rebuilds.length > 0;

/**
 * A hard rebuild plans as if the list it cleared held nobody, whatever the projection says: an event planned
 * before the clear may confirm the list after it, and the rebuild's add is idempotent anyway.
 */
function withoutCleared(member: StoredMember | null, cleared: number | undefined): StoredMember | null {
  if (cleared === undefined || !member?.applied) return member;
  const listIds = member.applied.listIds.filter((id) => id !== cleared);
  return { ...member, applied: { ...member.applied, listIds } };
}

/** A removal must rest on fresh facts; an unfinished removal is repaired from fresh facts too. */
async function freshIfNeeded(
  observed: Observation,
  known: StoredMember | null,
  deps: ListSyncDeps,
): Promise<Observation> {
  if (observed.fresh) return observed;
  const repair = known?.removingPhone != null;
  if (known && !repair && observed.at < known.factsAt) return observed;
  // Two events of one change (GHL sends ContactUpdate and ContactTagUpdate together) share a time and facts.
  const tie =
    known !== null &&
    observed.at.getTime() === known.factsAt.getTime() &&
    !sameFacts(known.facts, observed.facts);
  const plan = planMembership(known, observed.facts, deps.config.rules, deps.config.removal);
  if (!repair && !tie && !removes(plan)) return observed;
  const facts = await deps.tools.readContact(observed.key.ghlContactId);
  const at = new Date(Math.max(Date.now(), observed.at.getTime(), known?.factsAt.getTime() ?? 0));
  return { ...observed, facts, at, fresh: true };
}

/** Older than what the projection holds; a tie is stale only when it says something else (no time to order by). */
const isStale = (o: Observation, m: StoredMember) =>
  m.removingPhone === null &&
  (o.at < m.factsAt || (!o.fresh && o.at.getTime() === m.factsAt.getTime() && !sameFacts(o.facts, m.facts)));

const sameFacts = (a: ContactFacts, b: ContactFacts) =>
  a.phone === b.phone &&
  a.callsBlocked === b.callsBlocked &&
  a.deleted === b.deleted &&
  [...a.tags].sort().join('\n') === [...b.tags].sort().join('\n');

/** Remove-from-all by Aloware id; a cached id Aloware no longer knows is looked up again once. */
async function removeFromAll(phone: string, cached: string | null, tools: ListTools): Promise<string | null> {
  if (cached && (await tools.removeFromAllLists(cached))) return cached;
  const id = await tools.alowareIdOf(phone);
  if (id && id !== cached && (await tools.removeFromAllLists(id))) return id;
  return null;
}
