import type { ContactData } from '@df/contracts';

/** The contact fields kept in sync between the tools; everything else stays where it is. */
export const SYNCED_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'city',
  'state',
  'country',
  'timezone',
  'leadSource',
  'dnd',
] as const;
export type SyncedField = (typeof SYNCED_FIELDS)[number];

export type FieldValue = string | boolean;
/** What one side says about the synced fields; a missing field means "did not say". */
export type Snapshot = Partial<Record<SyncedField, FieldValue>>;

/** The synced fields an event carries. `null` (not said) is left out; '' is kept as "said empty". */
export function snapshotOf(data: ContactData): Snapshot {
  const snapshot: Snapshot = {};
  for (const field of SYNCED_FIELDS) {
    const value = data[field];
    if (value === null || value === undefined) continue;
    snapshot[field] = typeof value === 'string' ? value.trim() : value;
  }
  return snapshot;
}

/** A stable text for a snapshot: same fields and values, same fingerprint, whatever the key order. */
export function fingerprint(snapshot: Snapshot): string {
  return JSON.stringify(SYNCED_FIELDS.filter((f) => snapshot[f] !== undefined).map((f) => [f, snapshot[f]]));
}

/** The fields of `desired` that `known` does not already hold with the same value. */
export function changedFields(desired: Snapshot, known: Snapshot | null): Snapshot {
  const changes: Snapshot = {};
  for (const field of SYNCED_FIELDS) {
    const value = desired[field];
    if (value !== undefined && known?.[field] !== value) changes[field] = value;
  }
  return changes;
}

export const isEmpty = (snapshot: Snapshot) => Object.keys(snapshot).length === 0;
