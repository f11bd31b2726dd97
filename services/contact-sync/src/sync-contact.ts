import { type ContactData, type EventEnvelope, nameUuid } from '@df/contracts';
import type { Database } from '@df/db';
import { classifyFailure, PermanentError } from '@df/kafka';
import type { OutcomeInput } from '@df/service-runtime';
import type { Kysely } from 'kysely';
import type { Side } from './domain/merge.ts';
import {
  type ContactChange as Change,
  confirmWrite,
  DIRECTION_FROM,
  type PersonState,
  type Plan,
  planContactSync,
  planGhlDelete,
  planMissingTarget,
  type SyncPolicy,
  type ToolWrite,
  type WriteResult,
} from './domain/plan.ts';
import { snapshotOf } from './domain/snapshot.ts';
import type { PublishMapped } from './mapped-facts.ts';
import { type Decided, relayOutbox, type Step, stepper } from './outbox-relay.ts';
import { lockedPerson, PersonBusy, waitForWriteLease, whenFree } from './person-lease.ts';
import {
  addToOutbox,
  findPerson,
  ghlContactMappedElsewhere,
  ghlCreateInFlight,
  isProcessed,
  loadPerson,
  lockPerson,
  markProcessed,
  type OutboxEntry,
  releaseWriteLease,
  savePerson,
  takeWriteLease,
  writeLeaseHolder,
} from './store.ts';
import { write_, writeOrThrow } from './tool-writes.ts';
import type { ContactTools } from './tools.ts';

export interface ContactSyncConfig {
  policy: SyncPolicy;
  /** What happens to the Aloware contact when the GHL contact is deleted (Aloware has no delete API). */
  onGhlDelete: 'tag' | 'ignore';
  deletedTag: string;
  /** The Aloware tag that stands for "texts blocked in GHL" (see domain/snapshot.ts). */
  smsOptOutTag: string;
}

export interface ContactSyncDeps {
  db: Kysely<Database>;
  tools: ContactTools;
  config: ContactSyncConfig;
  /** Reports one outcome for the event being handled. */
  report: (cause: Cause, outcome: OutcomeInput) => Promise<unknown>;
  /** Publishes `contact.mapped` facts (see mapped-facts.ts). */
  publishMapped: PublishMapped;
}

/** What an outcome answers: an event, or an operator command. */
export type Cause = Pick<EventEnvelope, 'id' | 'correlationId' | 'tenant'>;

/** One side's change about a person, and the event or command it comes from. */
export interface ContactChange extends Change {
  cause: Cause;
  /** The owner as that tool names them (`assignedTo`, `user_id`); resolved to an e-mail before planning. */
  ownerId?: string | null;
}

export function changeFromEvent(
  event: EventEnvelope,
  config: Pick<ContactSyncConfig, 'smsOptOutTag'>,
): ContactChange {
  const data = event.data as ContactData;
  const side = event.source === 'ghl' ? 'ghl' : 'aloware';
  const sourceId = (side === 'ghl' ? data.ghlContactId : data.alowareContactId) ?? event.entity.id;
  const snapshot = snapshotOf(data, side, config);
  return { cause: event, side, sourceId, snapshot, at: event.occurredAt, ownerId: data.ownerId };
}

/**
 * Names the change's owner by e-mail when the same user exists in the other tool; otherwise the owner is
 * reported unmatched and left out (never guessed). Tool calls here (user lists, cached) happen before any lock.
 */
async function withOwner(change: ContactChange, deps: ContactSyncDeps): Promise<ContactChange> {
  if (!change.ownerId) return change;
  const other = change.side === 'ghl' ? 'aloware' : 'ghl';
  const email = await deps.tools.owners.emailOf(change.side, change.ownerId);
  if (email && (await deps.tools.owners.idOf(other, email))) {
    return { ...change, snapshot: { ...change.snapshot, ownerEmail: email } };
  }
  await deps.report(change.cause, {
    id: nameUuid(`${change.cause.id}|contact-sync|owner`),
    entity: { type: 'contact', id: change.sourceId },
    direction: DIRECTION_FROM[change.side],
    action: 'skipped',
    reason: 'owner_unmatched',
    target: { system: other, id: null },
  });
  return change;
}

/**
 * One contact change, effectively once, in three short steps; no transaction is open while a tool is called.
 * 1. Under the person's lock: load, plan (the pure decider), save the plan's state — merged fields and the
 *    echoes its writes will cause — with the plan's outcomes in the outbox and, when nothing is to be written,
 *    the event marked processed. Commit.
 * 2. Call the tools the plan names. A crash here repeats steps 1–2 on redelivery: the writes are idempotent
 *    (upsert by phone/e-mail, update by id, Aloware's force_update by phone), and nothing was confirmed.
 * 3. Under the lock again: confirm what each tool now holds (and the new GHL id), with the writes' outcomes
 *    in the outbox, and mark the event processed.
 * The outbox is published after each commit; outcome ids derive from the event and the step, so one reported
 * again after a crash adds no row to the audit.
 */
export async function syncContact(reported: ContactChange, deps: ContactSyncDeps): Promise<void> {
  const change = await withOwner(reported, deps);
  const phone = typeof change.snapshot.phone === 'string' ? change.snapshot.phone : null;
  const email = typeof change.snapshot.email === 'string' ? change.snapshot.email : null;
  const lockKey = phone ?? email ?? `${change.side}:${change.sourceId ?? change.cause.id}`;
  const step = stepper(change.cause, change.sourceId);
  const planned = await whenFree(() =>
    deps.db.transaction().execute(async (trx) => {
      await lockPerson(trx, lockKey);
      if (await isProcessed(trx, change.cause.id)) return undefined;
      const ids = { sourceId: change.sourceId, phone, email };
      let known = await findPerson(trx, change.side, ids);
      if (!known && change.side === 'ghl' && !phone && !email) {
        // Only the GHL id names this person, and GHL may have just given it to a contact we created whose
        // confirmation is in flight (another lock): wait for it, then look again, since it may have been
        // confirmed meanwhile. Deciding now would open a second mapping for the same GHL contact.
        if (await ghlCreateInFlight(trx)) throw new PersonBusy();
        known = await findPerson(trx, change.side, ids);
      }
      const found = await lockedPerson(trx, known);
      if (found) await waitForWriteLease(trx, found.id, change.cause.id);
      const plan = planContactSync(found?.state ?? null, change, deps.config.policy, change.cause.tenant);
      const id = await savePerson(
        trx,
        found?.id,
        plan.next,
        DIRECTION_FROM[change.side],
        found?.state ?? null,
      );
      const decided = plan.outcomes.map((o, n) => step(`decision-${n}`, o));
      await addToOutbox(trx, decided);
      if (plan.writes.length === 0) await markProcessed(trx, change.cause.id);
      else if (!(await takeWriteLease(trx, id, change.cause.id))) throw new PersonBusy();
      return { id, plan, outboxIds: decided.map((e) => e.id) };
    }),
  );
  await relayOutbox(deps, planned?.outboxIds ?? [], planned?.id);
  if (planned && planned.plan.writes.length > 0) await carryOut(change.cause, planned, lockKey, step, deps);
}

/** Steps 2 and 3 of a plan: the tool calls, then their confirmation with their outcomes. */
async function carryOut(
  cause: Cause,
  { id, plan }: { id: string; plan: Plan },
  lockKey: string,
  step: Step,
  deps: ContactSyncDeps,
): Promise<void> {
  const done: Array<{ write: ToolWrite; result: WriteResult }> = [];
  const notes: OutboxEntry[] = [];
  try {
    for (const write of plan.writes) {
      const result = await write_(write, plan.next, deps);
      if (result !== 'missing') {
        done.push({ write, result });
        continue;
      }
      // The mapped GHL contact is gone (deleted while a webhook was missed): the policy decides.
      const again = planMissingTarget(plan.next, deps.config.policy);
      if (again.write) {
        done.push({ write: again.write, result: await writeOrThrow(again.write, again.next, deps) });
      } else {
        notes.push(step('missing-target', skipped('missing_in_ghl', 'ghl', null)));
      }
    }
  } catch (error) {
    const refusedForGood =
      (error as { retriable?: unknown }).retriable === false && classifyFailure(error) === 'dead-letter';
    if (!refusedForGood) {
      // A retry plans again and takes the lease again; a parked key must not keep this person's other
      // changes waiting until the lease runs out.
      await deps.db
        .transaction()
        .execute((trx) => releaseWriteLease(trx, id, cause.id))
        .catch(() => {});
      throw error;
    }
    // A tool refused the write for good (a 4xx): reported as failed, and the event is done. Dead-lettering it
    // would leave the person's saved state asking for the same write at every later event, each dead-lettered.
    notes.push(
      step('refused', { ...refused(plan.writes[done.length] ?? plan.writes[0]!), reason: reasonOf(error) }),
    );
  }

  await deps.db.transaction().execute(async (trx) => {
    await lockPerson(trx, lockKey);
    const lease = await writeLeaseHolder(trx, id);
    if (await isProcessed(trx, cause.id)) {
      // Done by an earlier delivery of this event: only its lease may be left.
      await releaseWriteLease(trx, id, cause.id);
      return;
    }
    const before = (await loadPerson(trx, id))?.state ?? null;
    let state = before ?? plan.next;
    // Our lease ran out and another change took it: its writes may have landed after ours, so what the tools
    // hold is not ours to record; the next change plans from what they report.
    const fenced = lease !== null && lease !== cause.id;
    for (const [n, { write, result }] of fenced ? [] : done.entries()) {
      if (write.target === 'ghl' && result.id && (await ghlContactMappedElsewhere(trx, result.id, id))) {
        // GHL matched another mapped person by its duplicate rules: both mappings stay as they are.
        notes.push(step(`write-${n}`, skipped('conflict: duplicate_in_ghl', 'ghl', result.id)));
        continue;
      }
      if (write.target === 'ghl' && write.kind === 'create') state = { ...state, ghlContactId: null };
      state = confirmWrite(state, write, result);
      notes.push(
        step(`write-${n}`, {
          direction: write.target === 'ghl' ? 'aloware_to_ghl' : 'ghl_to_aloware',
          action: result.created ? 'created' : 'updated',
          reason: write.target === 'aloware' && write.tags ? `tagged ${write.tags.join(', ')}` : null,
          target: { system: write.target, id: idOn(state, write.target) },
        }),
      );
    }
    await savePerson(trx, id, state, 'aloware_to_ghl', before);
    await addToOutbox(trx, notes);
    await markProcessed(trx, cause.id);
    await releaseWriteLease(trx, id, cause.id);
  });
  await relayOutbox(
    deps,
    notes.map((e) => e.id),
    id,
  );
}

const refused = (write: ToolWrite): Decided => ({
  direction: write.target === 'ghl' ? 'aloware_to_ghl' : 'ghl_to_aloware',
  action: 'failed',
  reason: null,
  target: { system: write.target, id: write.target === 'ghl' && write.kind === 'update' ? write.id : null },
});

/** The tool's error code (`validation`, `not_found`, …), never its message: it may echo personal data. */
const reasonOf = (error: unknown) => `refused: ${String((error as { code?: unknown }).code ?? 'error')}`;

const skipped = (reason: string, system: Side, id: string | null): Decided => ({
  direction: system === 'ghl' ? 'aloware_to_ghl' : 'ghl_to_aloware',
  action: 'skipped',
  reason,
  target: { system, id },
});

const idOn = (state: PersonState, side: Side) =>
  side === 'ghl' ? state.ghlContactId : state.alowareContactId;

/** GHL deleted the contact: the mapping is closed; Aloware (which cannot delete) gets a tag by default. */
export async function contactDeletedInGhl(event: EventEnvelope, deps: ContactSyncDeps): Promise<void> {
  const data = event.data as ContactData;
  const ghlId = data.ghlContactId ?? event.entity.id;
  if (!ghlId) throw new PermanentError('missing-id', 'ContactDelete without a contact id');
  const byId = { sourceId: ghlId, phone: null, email: null };
  const known = await findPerson(deps.db, 'ghl', byId);
  const lockKey = known?.state.phone ?? known?.state.email ?? `ghl:${ghlId}`;
  const step = stepper(event, ghlId);
  const planned = await whenFree(() =>
    deps.db.transaction().execute(async (trx) => {
      await lockPerson(trx, lockKey);
      if (await isProcessed(trx, event.id)) return undefined;
      const person = await lockedPerson(trx, await findPerson(trx, 'ghl', byId));
      if (person) await waitForWriteLease(trx, person.id, event.id);
      const plan = planGhlDelete(person?.state ?? null, event.occurredAt, deps.config);
      if (person) await savePerson(trx, person.id, plan.next, 'ghl_to_aloware', person.state);
      const decided = plan.outcomes.map((o, n) => step(`decision-${n}`, o));
      await addToOutbox(trx, decided);
      if (plan.writes.length === 0) await markProcessed(trx, event.id);
      else if (person && !(await takeWriteLease(trx, person.id, event.id))) throw new PersonBusy();
      return { id: person?.id, plan, outboxIds: decided.map((e) => e.id) };
    }),
  );
  await relayOutbox(deps, planned?.outboxIds ?? [], planned?.id);
  if (planned?.id && planned.plan.writes.length > 0) {
    await carryOut(event, { id: planned.id, plan: planned.plan }, lockKey, step, deps);
  }
}
