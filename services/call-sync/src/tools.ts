import type { GhlClient } from '@df/ghl-client';

/** GHL as call-sync needs it; every method is one API call (counted, for the efficiency figure). */
export interface CallTools {
  /** Finds or creates the contact by phone, through GHL's upsert: the same idempotent path contact-sync uses. */
  upsertContact(phone: string, name: { firstName?: string; lastName?: string }): Promise<string>;
  createNote(contactId: string, body: string): Promise<string>;
  updateNote(contactId: string, noteId: string, body: string): Promise<void>;
  /** The id of the contact's note whose body starts with `marker`, if there is one. */
  findNote(contactId: string, marker: string): Promise<string | null>;
  addTags(contactId: string, tags: string[]): Promise<void>;
  calls(): number;
}

export function createCallTools(ghl: GhlClient): CallTools {
  let calls = 0;
  const counted = <T>(promise: Promise<T>) => {
    calls += 1;
    return promise;
  };
  return {
    async upsertContact(phone, name) {
      // The client recovers GHL's "422 but created" itself (finds the contact it created).
      const { contact } = await counted(ghl.upsertContact({ phone, ...name }));
      return contact.id;
    },
    async createNote(contactId, body) {
      return (await counted(ghl.createNote(contactId, { body }))).id;
    },
    async updateNote(contactId, noteId, body) {
      await counted(ghl.updateNote(contactId, noteId, { body }));
    },
    async findNote(contactId, marker) {
      const notes = await counted(ghl.listNotes(contactId));
      return notes.find((n) => n.body.startsWith(marker))?.id ?? null;
    },
    async addTags(contactId, tags) {
      await counted(ghl.addTags(contactId, tags));
    },
    calls: () => calls,
  };
}
