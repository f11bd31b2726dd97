import { type ContactData, toE164 } from '@df/contracts';
import type { ContactFacts } from './membership.ts';

// GHL's DND statuses that block a channel (as contact-sync reads them).
const BLOCKING = new Set(['active', 'permanent']);

/** Calls are blocked by the global DND or by the Call channel's DND (an SMS-only DND keeps a contact callable). */
function callsBlocked(dnd: boolean | null | undefined, callStatus: string | undefined): boolean {
  return dnd === true || (callStatus !== undefined && BLOCKING.has(callStatus));
}

/** Facts from a normalized GHL contact event; the event carries the full tag array. */
export function factsFromEvent(data: ContactData, deleted: boolean): ContactFacts {
  return {
    phone: data.phone,
    tags: (data.tags ?? []).map((t) => t.toLowerCase()),
    callsBlocked: callsBlocked(data.dnd, data.dndChannels?.call),
    deleted,
  };
}

/** Facts from GHL's API (a re-read or a search result); `null` means the contact no longer exists. */
export function factsFromGhl(
  contact: {
    phone?: string | null;
    tags: string[];
    dnd?: boolean | null;
    dndSettings?: Record<string, { status?: string | null }> | null;
  } | null,
): ContactFacts {
  if (!contact) return { phone: null, tags: [], callsBlocked: false, deleted: true };
  const call = contact.dndSettings?.Call?.status ?? undefined;
  return {
    phone: toE164(contact.phone ?? null),
    tags: contact.tags.map((t) => t.toLowerCase()),
    callsBlocked: callsBlocked(contact.dnd, call),
    deleted: false,
  };
}
