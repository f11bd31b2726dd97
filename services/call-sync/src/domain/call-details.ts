import type { CallData, EventType } from '@df/contracts';

/** Everything known about one call so far: later webhooks add detail, none erases what an earlier one said. */
export type CallDetails = Omit<CallData, 'contact'> & {
  contactName: string | null;
  /** The normalized event types seen for this call, for the note's completeness and for tests. */
  seen: EventType[];
};

/** A call nobody has said anything about yet (what `mergeCallDetails` starts from). */
export function emptyCallData(callId = ''): CallData {
  return {
    callId,
    alowareContactId: null,
    ghlContactId: null,
    contactPhone: null,
    linePhone: null,
    lineId: null,
    direction: null,
    status: null,
    dispositionStatus: null,
    disposition: null,
    dispositionId: null,
    durationSeconds: null,
    talkTimeSeconds: null,
    waitTimeSeconds: null,
    agent: null,
    origin: null,
    startedAt: null,
    recordingUrl: null,
    voicemailUrl: null,
    voicemailDurationSeconds: null,
    transcription: null,
    summary: null,
    csatScore: null,
    contact: null,
  };
}

const { contact: _none, ...EMPTY_FIELDS } = emptyCallData();
const EMPTY: CallDetails = { ...EMPTY_FIELDS, contactName: null, seen: [] };

/**
 * Merges one webhook's view of the call into what is known. Order-independent for what matters: a value is
 * only replaced by another non-empty value, so a late "initiated" webhook (no duration yet) cannot blank out
 * the duration a "completed" one already delivered.
 */
export function mergeCallDetails(current: CallDetails | null, type: EventType, data: CallData): CallDetails {
  const merged: CallDetails = { ...EMPTY, ...current, seen: [...(current?.seen ?? [])] };
  const { contact, ...fields } = data;
  for (const [key, value] of Object.entries(fields) as [keyof typeof fields, unknown][]) {
    if (value === null || value === undefined || value === '') continue;
    // A status only moves forward: an "initiated" arriving after "completed" says less, not something newer.
    if ((key === 'status' || key === 'dispositionStatus') && merged[key] && type === 'call.initiated')
      continue;
    (merged as Record<string, unknown>)[key] = value;
  }
  const name = contact
    ? [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.name
    : null;
  if (name) merged.contactName = name;
  if (!merged.seen.includes(type)) merged.seen.push(type);
  return merged;
}
