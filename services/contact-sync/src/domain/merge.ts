import { type FieldValue, type Snapshot, SYNCED_FIELDS, type SyncedField } from './snapshot.ts';

export type Side = 'aloware' | 'ghl';

/** The value of one field as last accepted, with the source time that made it win. */
export interface FieldState {
  value: FieldValue;
  at: string;
  source: Side;
}
export type FieldStates = Partial<Record<SyncedField, FieldState>>;

/**
 * The conflict policy. Default: the newer source timestamp wins, and an empty value never erases a filled
 * one. A field may instead be owned by one side ("GHL owns e-mail"): the other side's values for it are ignored.
 */
export interface ConflictPolicy {
  owners: Partial<Record<SyncedField, Side>>;
}

export const DEFAULT_POLICY: ConflictPolicy = { owners: {} };

export type DecisionReason = 'stale' | 'empty_never_erases' | 'owned_by_other_side';

export interface Decision {
  field: SyncedField;
  kept: FieldValue;
  rejected: FieldValue;
  reason: DecisionReason;
}

/**
 * Merges what `source` says at `at` into the accepted field states. Pure: returns the new states and every
 * rejected value with its reason, so each conflict decision can be reported.
 */
export function mergeFields(
  current: FieldStates,
  incoming: Snapshot,
  source: Side,
  at: string,
  policy: ConflictPolicy = DEFAULT_POLICY,
): { fields: FieldStates; decisions: Decision[] } {
  const fields: FieldStates = { ...current };
  const decisions: Decision[] = [];
  for (const field of SYNCED_FIELDS) {
    const value = incoming[field];
    if (value === undefined) continue;
    const held = current[field];
    if (held?.value === value) {
      // Same value: keep the newest time, so a stale event cannot later "win" against it.
      if (Date.parse(held.at) < Date.parse(at)) fields[field] = { value, at, source: held.source };
      continue;
    }
    const owner = policy.owners[field];
    if (owner && owner !== source && held !== undefined) {
      decisions.push({ field, kept: held.value, rejected: value, reason: 'owned_by_other_side' });
      continue;
    }
    if (value === '' && held !== undefined && held.value !== '') {
      decisions.push({ field, kept: held.value, rejected: value, reason: 'empty_never_erases' });
      continue;
    }
    if (held !== undefined && Date.parse(held.at) > Date.parse(at)) {
      decisions.push({ field, kept: held.value, rejected: value, reason: 'stale' });
      continue;
    }
    fields[field] = { value, at, source };
  }
  return { fields, decisions };
}

/** The merged contact as a snapshot: what both tools should hold. */
export function mergedSnapshot(fields: FieldStates): Snapshot {
  const snapshot: Snapshot = {};
  for (const field of SYNCED_FIELDS) {
    const state = fields[field];
    if (state !== undefined) snapshot[field] = state.value;
  }
  return snapshot;
}
