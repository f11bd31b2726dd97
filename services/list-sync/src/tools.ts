import type { AlowareClient } from '@df/aloware-client';
import type { GhlClient } from '@df/ghl-client';
import { isToolError } from '@df/tool-http';
import { factsFromGhl } from './domain/facts.ts';
import type { ContactFacts } from './domain/membership.ts';

/** The tool calls list-sync makes; each is one API call, counted for the calls-per-change figure. */
export interface ListTools {
  /** GHL's current facts for a contact (deleted when GHL answers 404). */
  readContact(ghlContactId: string): Promise<ContactFacts>;
  /** Contacts carrying the tag, paged through GHL's search. */
  contactsByTag(tag: string): AsyncIterable<{ id: string; facts: ContactFacts }>;
  /** Lead API with only the phone, `force_update` and the lists: no field changes, so contact-sync sees a no-op. */
  add(phone: string, listIds: number[], ownerDialer: boolean, position: 'top' | 'bottom'): Promise<void>;
  /** Aloware's id for a phone (the remove endpoint takes ids), or null when Aloware has no such contact. */
  alowareIdOf(phone: string): Promise<string | null>;
  /** Remove-from-all-lists; false when Aloware does not know the id. */
  removeFromAllLists(alowareContactId: string): Promise<boolean>;
  clearList(listId: number): Promise<boolean>;
  calls(): { ghl: number; aloware: number };
}

export function createListTools(ghl: GhlClient, aloware: AlowareClient): ListTools {
  const count = { ghl: 0, aloware: 0 };
  const counted = <T>(tool: 'ghl' | 'aloware', promise: Promise<T>) => {
    count[tool] += 1;
    return promise;
  };
  return {
    async readContact(id) {
      try {
        return factsFromGhl(await counted('ghl', ghl.getContact(id)));
      } catch (error) {
        if (isToolError(error, 'not_found')) return factsFromGhl(null);
        throw error;
      }
    },
    async *contactsByTag(tag) {
      // Counted per page: the iterator asks for 100 at a time.
      let seen = 0;
      count.ghl += 1;
      for await (const contact of ghl.iterateContactsByTag(tag)) {
        if (++seen % 100 === 0) count.ghl += 1;
        yield { id: contact.id, facts: factsFromGhl(contact) };
      }
    },
    async add(phone, listIds, ownerDialer, position) {
      await counted(
        'aloware',
        aloware.upsertContactForm({
          phoneNumber: phone,
          forceUpdate: true,
          ...(listIds.length > 0 ? { listIds } : {}),
          ...(ownerDialer ? { addToPowerDialer: true } : {}),
          powerDialerPosition: position,
        }),
      );
    },
    async alowareIdOf(phone) {
      const contact = await counted('aloware', aloware.lookupContactByPhone(phone));
      return contact ? String(contact.id) : null;
    },
    removeFromAllLists(id) {
      return counted('aloware', aloware.removeFromPowerDialerLists(Number(id)));
    },
    clearList(listId) {
      return counted('aloware', aloware.clearPowerDialerList(listId));
    },
    calls: () => ({ ...count }),
  };
}
