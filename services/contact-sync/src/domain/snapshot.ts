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
  // The owner (GHL `assignedTo`, Aloware `user_id`) by the user's e-mail: see owners.ts.
  'ownerEmail',
  // Consent per channel (see `consentOf`): calls ⇄ Aloware DNC, texts ⇄ Aloware's SMS opt-out.
  'callsBlocked',
  'textsBlocked',
  // GHL's all-channel DND, which only GHL has: kept so lifting one channel does not lift the others there.
  'ghlDndAll',
] as const;

/** Fields only one tool holds: never written to the other. */
export const GHL_ONLY_FIELDS: readonly SyncedField[] = ['ghlDndAll'];
export type SyncedField = (typeof SYNCED_FIELDS)[number];

export type FieldValue = string | boolean;
/** What one side says about the synced fields; a missing field means "did not say". */
export type Snapshot = Partial<Record<SyncedField, FieldValue>>;

/** The synced fields an event carries. `null` (not said) is left out; '' is kept as "said empty". */
export function snapshotOf(
  data: ContactData,
  side: 'aloware' | 'ghl',
  options: { smsOptOutTag: string } = { smsOptOutTag: SMS_OPT_OUT_TAG },
): Snapshot {
  const snapshot: Snapshot = {};
  for (const field of SYNCED_FIELDS) {
    const value = (data as Record<string, unknown>)[field];
    if (typeof value === 'string') snapshot[field] = value.trim();
    else if (typeof value === 'boolean') snapshot[field] = value;
  }
  return { ...snapshot, ...consentOf(data, side, options.smsOptOutTag) };
}

/**
 * The tag contact-sync puts on an Aloware contact whose texts GHL blocks: Aloware's API cannot set its own
 * opt-out flag (nor remove a tag), so the tag is how an agent in Aloware sees it.
 */
export const SMS_OPT_OUT_TAG = 'sms-opted-out';

// GHL channel statuses that stop contact on that channel.
const BLOCKING = new Set(['active', 'permanent']);

/**
 * Consent per channel, in terms both tools share.
 * - GHL: the global `dnd` blocks every channel; otherwise `dndSettings.Call` / `.SMS` decide each.
 * - Aloware: `is_dnc` blocks calls (and an SMS-only DND never becomes DNC, which would block calls);
 *   `is_opted_out` (a STOP received in Aloware) or our opt-out tag blocks texts.
 */
export function consentOf(
  data: Pick<ContactData, 'dnd' | 'dndChannels' | 'optedOut' | 'tags'>,
  side: 'aloware' | 'ghl',
  smsOptOutTag: string,
): Snapshot {
  const consent: Snapshot = {};
  if (side === 'aloware') {
    if (typeof data.dnd === 'boolean') consent.callsBlocked = data.dnd;
    const tagged = data.tags?.includes(smsOptOutTag) ?? false;
    if (typeof data.optedOut === 'boolean' || tagged) consent.textsBlocked = data.optedOut === true || tagged;
    return consent;
  }
  if (typeof data.dnd === 'boolean') consent.ghlDndAll = data.dnd;
  // Only a payload with the channel settings says anything about one channel (GHL's ContactUpdate carries
  // `dnd` and never `dndSettings`; ContactDndUpdate carries both). The global DND blocks every channel.
  const channel = (name: string): boolean | undefined => {
    if (data.dnd === true) return true;
    if (!data.dndChannels) return undefined;
    const status = data.dndChannels[name];
    return status !== undefined ? BLOCKING.has(status) : data.dnd === false ? false : undefined;
  };
  const calls = channel('call');
  const texts = channel('sms');
  if (calls !== undefined) consent.callsBlocked = calls;
  if (texts !== undefined) consent.textsBlocked = texts;
  return consent;
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
