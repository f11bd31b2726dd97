import type { ConflictPolicy, FieldStates, Side } from './merge.ts';
import type { Snapshot } from './snapshot.ts';

// What contact-sync knows about one person, the changes it hears and the plan's shape (decided in plan.ts).

/** What contact-sync remembers of one person: the ids on both sides and the sync memory (one mapping row). */
export interface PersonState {
  tenant: string;
  alowareContactId: string | null;
  ghlContactId: string | null;
  phone: string | null;
  email: string | null;
  /** The accepted value of each field, with the source time that made it win. */
  fields: FieldStates;
  /** What each side is confirmed to hold. */
  known: Record<Side, Snapshot | null>;
  /** Fingerprints of our writes into each side whose echo has not come back yet, oldest first. */
  pendingEchoes: Record<Side, string[]>;
  deletedInGhlAt: string | null;
}

/** What one side said about a person. */
export interface ContactChange {
  side: Side;
  sourceId: string | null;
  snapshot: Snapshot;
  /** The source's time of the change. */
  at: string;
  /** "Sync this contact now": write the merged state to both sides even where we believe it is there. */
  force?: boolean;
}

/** Each rule that used to end in a constraint error or a dead letter, as an explicit choice. */
export interface SyncPolicy {
  conflict: ConflictPolicy;
  /** An Aloware change about a person deleted in GHL: respect the delete, or create them in GHL again. */
  afterGhlDelete: 'respect' | 'recreate';
  /** A second contact in one tool with the phone or e-mail of a mapped one: report it, or link it. */
  duplicates: 'report' | 'link';
  /** A mapped GHL contact that no longer exists: create it again and re-map, or report it. */
  missingTarget: 'recreate' | 'report';
}

export const DEFAULT_SYNC_POLICY: SyncPolicy = {
  conflict: { owners: {} },
  afterGhlDelete: 'respect',
  duplicates: 'report',
  missingTarget: 'recreate',
};

export type ToolWrite =
  | { target: 'ghl'; kind: 'create'; fields: Snapshot }
  | { target: 'ghl'; kind: 'update'; id: string; fields: Snapshot }
  | { target: 'aloware'; kind: 'upsert'; phone: string; fields: Snapshot; tags?: string[] };

export type Direction = 'aloware_to_ghl' | 'ghl_to_aloware';

/** A decision reported without a write: a skip with its reason, or a resolved conflict. */
export interface PlannedOutcome {
  direction: Direction;
  action: 'skipped' | 'conflict_resolved';
  reason: string;
  target: { system: Side | 'middleware'; id: string | null };
}

export interface Plan {
  writes: ToolWrite[];
  outcomes: PlannedOutcome[];
  /** The state to save before any write is made: merged fields, and the echoes the writes will cause. */
  next: PersonState;
}

export const OTHER: Record<Side, Side> = { aloware: 'ghl', ghl: 'aloware' };
export const DIRECTION_FROM: Record<Side, Direction> = { aloware: 'aloware_to_ghl', ghl: 'ghl_to_aloware' };
export const DIRECTION_TO: Record<Side, Direction> = { ghl: 'aloware_to_ghl', aloware: 'ghl_to_aloware' };

export function newPerson(tenant: string): PersonState {
  return {
    tenant,
    alowareContactId: null,
    ghlContactId: null,
    phone: null,
    email: null,
    fields: {},
    known: { aloware: null, ghl: null },
    pendingEchoes: { aloware: [], ghl: [] },
    deletedInGhlAt: null,
  };
}
