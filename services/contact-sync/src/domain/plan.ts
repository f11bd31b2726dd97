import { blocksAwaitingEcho, consumeEcho, expectEcho, unblockedBeforeOurBlock } from './echoes.ts';
import { type Decision, mergedSnapshot, mergeFields, type Side } from './merge.ts';
import {
  type ContactChange,
  DIRECTION_FROM,
  DIRECTION_TO,
  newPerson,
  OTHER,
  type PersonState,
  type Plan,
  type PlannedOutcome,
  type SyncPolicy,
  type ToolWrite,
} from './person.ts';
import { changedFields, GHL_ONLY_FIELDS, isEmpty, type Snapshot, type SyncedField } from './snapshot.ts';

export {
  type ContactChange,
  DEFAULT_SYNC_POLICY,
  DIRECTION_FROM,
  type Direction,
  newPerson,
  type PersonState,
  type Plan,
  type PlannedOutcome,
  type SyncPolicy,
  type ToolWrite,
} from './person.ts';

const idOn = (person: PersonState, side: Side) =>
  side === 'ghl' ? person.ghlContactId : person.alowareContactId;

function skip(person: PersonState, change: ContactChange, reason: string): PlannedOutcome {
  const other = OTHER[change.side];
  return {
    direction: DIRECTION_FROM[change.side],
    action: 'skipped',
    reason,
    target: { system: other, id: idOn(person, other) },
  };
}

function conflict(change: ContactChange, decision: Decision): PlannedOutcome {
  // Field names only: values are personal data and stay out of the audit trail.
  return {
    direction: DIRECTION_FROM[change.side],
    action: 'conflict_resolved',
    reason: `${decision.field}: ${decision.reason}`,
    target: { system: 'middleware', id: null },
  };
}

const heard = (person: PersonState, change: ContactChange): PersonState => ({
  ...person,
  known: { ...person.known, [change.side]: { ...person.known[change.side], ...change.snapshot } },
});

/**
 * Decides what one side's change means for a person, given what contact-sync knows (`state`, null for
 * someone new) and the policy. Pure: every rule lives here, and the handler only loads, saves and calls
 * the tools the plan names. The rules, in order:
 * 1. a second contact on the change's side for a mapped person is a duplicate (policy `duplicates`);
 * 2. a person deleted in GHL stays deleted unless GHL itself brings them back (policy `afterGhlDelete`);
 * 3. the echo of one of our own writes is consumed and changes nothing; anything else the side says clears
 *    the echoes we still expected from it, so a user's edit is never taken for ours;
 * 4. fields merge by the conflict policy (newest source time, empty never erases, owners);
 * 5. each side gets what it does not hold yet, the other side first; Aloware needs a phone.
 */
export function planContactSync(
  state: PersonState | null,
  change: ContactChange,
  policy: SyncPolicy,
  tenant: string,
): Plan {
  const { side } = change;
  const mappedId = state ? idOn(state, side) : null;
  // A new GHL contact for a person whose GHL contact was deleted brings them back (rule 2): not a duplicate.
  const replacesDeleted = side === 'ghl' && state?.deletedInGhlAt;
  const duplicate = mappedId && change.sourceId && mappedId !== change.sourceId && !replacesDeleted;
  if (state && duplicate && policy.duplicates === 'report') {
    return {
      writes: [],
      outcomes: [
        {
          direction: DIRECTION_FROM[side],
          action: 'skipped',
          reason: `conflict: duplicate_in_${side}`,
          target: { system: side, id: mappedId },
        },
      ],
      next: state,
    };
  }

  let person: PersonState = state ? { ...state } : newPerson(tenant);
  if (side === 'ghl') person.ghlContactId ??= change.sourceId;
  else person.alowareContactId ??= change.sourceId;

  if (person.deletedInGhlAt) {
    const ghlBringsThemBack =
      side === 'ghl' && change.sourceId !== null && change.sourceId !== state?.ghlContactId;
    if (ghlBringsThemBack) {
      person = {
        ...person,
        deletedInGhlAt: null,
        ghlContactId: change.sourceId,
        known: { ...person.known, ghl: null },
      };
    } else if (side === 'ghl' || policy.afterGhlDelete === 'respect') {
      return { writes: [], outcomes: [skip(person, change, 'deleted_in_ghl')], next: heard(person, change) };
    } else {
      person = {
        ...person,
        deletedInGhlAt: null,
        ghlContactId: null,
        known: { ...person.known, ghl: null },
        pendingEchoes: { ...person.pendingEchoes, ghl: [] },
      };
    }
  }

  if (!change.force) {
    const left = consumeEcho(person.pendingEchoes[side], change.snapshot, {
      ...startingValues(change.snapshot, person.known[side]),
      ...person.known[side],
    });
    if (left) {
      // An older echo does not undo the block a newer write of ours, whose echo is still to come, put there.
      const blocks = blocksAwaitingEcho(left);
      const snapshot = Object.fromEntries(
        Object.entries(change.snapshot).filter(
          ([f]) => !unblockedBeforeOurBlock(change.snapshot, f as SyncedField, blocks),
        ),
      ) as Snapshot;
      const next = heard(
        { ...person, pendingEchoes: { ...person.pendingEchoes, [side]: left } },
        { ...change, snapshot },
      );
      return { writes: [], outcomes: [skip(person, change, 'echo')], next };
    }
  }
  person = { ...person, pendingEchoes: { ...person.pendingEchoes, [side]: [] } };

  // What the side held before and still says is not a new assertion: it must not win over a newer value from
  // the other side that has not reached it yet (or that it cannot hold, like an Aloware opt-out we cannot clear).
  const asserted = change.force ? change.snapshot : changedFields(change.snapshot, person.known[side]);
  const { fields, decisions } = mergeFields(person.fields, asserted, side, change.at, policy.conflict);
  // A stale value is history, not what the side holds now; the other rejected values are what it holds.
  const stale = new Set(decisions.filter((d) => d.reason === 'stale').map((d) => d.field));
  const current = Object.fromEntries(Object.entries(change.snapshot).filter(([f]) => !stale.has(f as never)));
  const merged = mergedSnapshot(fields);
  person = {
    ...person,
    fields,
    known: { ...person.known, [side]: { ...person.known[side], ...current } },
    phone: typeof merged.phone === 'string' ? merged.phone : person.phone,
    email: typeof merged.email === 'string' ? merged.email : person.email,
  };

  const outcomes = decisions.map((d) => conflict(change, d));
  const writes: ToolWrite[] = [];
  for (const target of [OTHER[side], side]) {
    const changes = changedFields(merged, change.force ? null : person.known[target]);
    if (target === 'aloware') for (const field of GHL_ONLY_FIELDS) delete changes[field];
    for (const field of ['callsBlocked', 'textsBlocked'] as const) {
      // Lifting a block we never saw in that tool could lift one set there that we were not told about. A forced
      // sync (reconciliation's heal) lifts only a block we know the tool holds: it writes what we believe is
      // there, and a block set in the tool since (its webhook missed) is what the reconciliation found.
      const held = person.known[target]?.[field];
      if (changes[field] === false && (held === undefined || (change.force && held !== true)))
        delete changes[field];
    }
    if (target === 'ghl' && (changes.callsBlocked === false || changes.textsBlocked === false)) {
      // Lifting one channel under GHL's all-channel DND: turn it into per-channel settings (the other channels
      // stay blocked, see tools.ts), and remember that GHL no longer has the global flag.
      if (merged.ghlDndAll === true) {
        changes.ghlDndAll = false;
        changes.callsBlocked = merged.callsBlocked ?? false;
        changes.textsBlocked = merged.textsBlocked ?? false;
        person = {
          ...person,
          fields: { ...person.fields, ghlDndAll: { value: false, at: change.at, source: side } },
        };
      }
    }
    const heldPhone = person.known.aloware?.phone;
    if (target === 'aloware' && typeof changes.phone === 'string' && typeof heldPhone === 'string') {
      // Aloware's Lead API finds contacts by phone: a new number would make a second contact, not renumber.
      delete changes.phone;
      outcomes.push({
        direction: 'ghl_to_aloware',
        action: 'skipped',
        reason: 'aloware_cannot_change_phone',
        target: { system: 'aloware', id: person.alowareContactId },
      });
    }
    if (isEmpty(changes)) continue;
    if (target === 'aloware' && changes.textsBlocked === false) {
      // Aloware's API can neither clear its opt-out nor remove our tag: texts stay blocked there.
      delete changes.textsBlocked;
      if (side === 'ghl' && asserted.textsBlocked === false && person.known.aloware?.textsBlocked === true) {
        outcomes.push({
          direction: 'ghl_to_aloware',
          action: 'skipped',
          reason: 'aloware_cannot_clear_sms_opt_out',
          target: { system: 'aloware', id: person.alowareContactId },
        });
      }
      if (isEmpty(changes)) continue;
    }
    const write = writeFor(target, person, merged, changes);
    if (!write) {
      outcomes.push({
        direction: DIRECTION_TO[target],
        action: 'skipped',
        reason: 'no_phone',
        target: { system: 'aloware', id: null },
      });
      continue;
    }
    writes.push(write);
    person = {
      ...person,
      pendingEchoes: {
        ...person.pendingEchoes,
        [target]: expectEcho(person.pendingEchoes[target], write.fields),
      },
    };
  }
  if (writes.length === 0 && outcomes.length === 0) outcomes.push(skip(person, change, 'no_change'));
  return { writes, outcomes, next: person };
}

/**
 * What a side reports of fields it never reported before and that are its own starting values, not a user's
 * edit hiding in the echo of the contact we just created there: a field only that tool has (GHL's `dnd`), and a
 * channel not blocked (Aloware's `is_dnc` and `is_opted_out`, false on every new contact). Taken for a user's
 * edit, the latter would carry the time of our create and could win over a block from the other side that is
 * older than it and not yet planned (a STOP's SMS DND, whose ContactDndUpdate comes after the ContactUpdate).
 */
function startingValues(reported: Snapshot, known: Snapshot | null): Snapshot {
  const starting = Object.entries(reported).filter(
    ([f, value]) =>
      known?.[f as SyncedField] === undefined &&
      (GHL_ONLY_FIELDS.includes(f as SyncedField) ||
        ((f === 'callsBlocked' || f === 'textsBlocked') && value === false)),
  );
  return Object.fromEntries(starting) as Snapshot;
}

function writeFor(
  target: Side,
  person: PersonState,
  merged: Snapshot,
  changes: Snapshot,
): ToolWrite | undefined {
  if (target === 'ghl') {
    // A new GHL contact gets the whole merged contact, not just the changes.
    return person.ghlContactId
      ? { target, kind: 'update', id: person.ghlContactId, fields: changes }
      : { target, kind: 'create', fields: merged };
  }
  // Aloware keys contacts by phone: without one the person cannot exist there. A contact it has is written
  // under the number it holds (a new number would create a second contact; the Lead API cannot renumber).
  const held = person.known.aloware?.phone;
  const phone = typeof held === 'string' ? held : typeof merged.phone === 'string' ? merged.phone : null;
  return phone ? { target, kind: 'upsert', phone, fields: { ...changes, phone } } : undefined;
}

/** What a tool answered for a write: the contact's id there, and whether it was new. */
export interface WriteResult {
  id: string | null;
  created: boolean;
}

/** A write that happened: the side now holds what we wrote (and GHL gave a new contact its id). */
export function confirmWrite(state: PersonState, write: ToolWrite, result: WriteResult): PersonState {
  const target = write.target;
  const next: PersonState = {
    ...state,
    known: { ...state.known, [target]: { ...state.known[target], ...write.fields } },
  };
  if (target === 'ghl' && result.id) next.ghlContactId = result.id;
  if (target === 'aloware' && result.id) next.alowareContactId ??= result.id;
  return next;
}

/**
 * A GHL update answered "not found": the mapped contact was deleted while we missed the webhook. By policy,
 * create it again from the merged state (and re-map on confirmation), or report it and write nothing.
 */
export function planMissingTarget(
  state: PersonState,
  policy: SyncPolicy,
): { write: ToolWrite | undefined; next: PersonState } {
  const next: PersonState = { ...state, ghlContactId: null, known: { ...state.known, ghl: null } };
  if (policy.missingTarget === 'report') return { write: undefined, next };
  return { write: { target: 'ghl', kind: 'create', fields: mergedSnapshot(state.fields) }, next };
}

/**
 * GHL deleted the contact: the mapping is closed (later Aloware changes meet rule 2), and Aloware, which has
 * no delete, gets a tag when the policy says so. Someone never mapped needs nothing.
 */
export function planGhlDelete(
  state: PersonState | null,
  at: string,
  aloware: { onGhlDelete: 'tag' | 'ignore'; deletedTag: string },
): Plan {
  if (!state) {
    return {
      writes: [],
      outcomes: [
        {
          direction: 'ghl_to_aloware',
          action: 'skipped',
          reason: 'not_mapped',
          target: { system: 'aloware', id: null },
        },
      ],
      next: newPerson(''),
    };
  }
  const next: PersonState = { ...state, deletedInGhlAt: at };
  if (aloware.onGhlDelete === 'ignore' || !state.phone) {
    return {
      writes: [],
      outcomes: [
        {
          direction: 'ghl_to_aloware',
          action: 'skipped',
          reason: 'deleted_in_ghl: mapping closed',
          target: { system: 'aloware', id: state.alowareContactId },
        },
      ],
      next,
    };
  }
  const write: ToolWrite = {
    target: 'aloware',
    kind: 'upsert',
    phone: state.phone,
    fields: { phone: state.phone },
    tags: [aloware.deletedTag],
  };
  return {
    writes: [write],
    outcomes: [],
    next: {
      ...next,
      pendingEchoes: { ...next.pendingEchoes, aloware: expectEcho(next.pendingEchoes.aloware, write.fields) },
    },
  };
}
