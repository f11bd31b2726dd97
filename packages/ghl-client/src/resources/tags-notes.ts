import type { GhlNoteInput } from '../inputs.ts';
import { deleteResponse, type GhlNote, noteEnvelope, notesResponse, tagsResponse } from '../schemas.ts';
import type { Call, Operation } from '../transport.ts';
import { enc, pick, CONTACTS_VERSION as version } from './versions.ts';

export interface GhlTagsNotesApi {
  addTags(contactId: string, tags: string[]): Promise<string[]>;
  removeTags(contactId: string, tags: string[]): Promise<string[]>;
  listNotes(contactId: string): Promise<GhlNote[]>;
  createNote(contactId: string, note: GhlNoteInput): Promise<GhlNote>;
  updateNote(contactId: string, noteId: string, note: Partial<GhlNoteInput>): Promise<GhlNote>;
  deleteNote(contactId: string, noteId: string): Promise<void>;
}

const NOTE_FIELDS = ['body', 'userId', 'title', 'color', 'pinned'];

/** Every operation here is on one contact's sub-resource; only note creation is not idempotent. */
const op = (
  name: string,
  method: Operation['method'],
  path: string,
  body?: Record<string, unknown>,
): Operation => ({ name, method, path, version, idempotent: name !== 'createNote', ...(body && { body }) });

export function tagsNotesApi(call: Call): GhlTagsNotesApi {
  const tags = (id: string) => `/contacts/${enc(id)}/tags`;
  const notes = (id: string) => `/contacts/${enc(id)}/notes`;
  const note = (id: string, noteId: string) => `${notes(id)}/${enc(noteId)}`;
  return {
    async addTags(contactId, list) {
      return (await call(op('addTags', 'POST', tags(contactId), { tags: list }), tagsResponse)).tags;
    },
    async removeTags(contactId, list) {
      return (await call(op('removeTags', 'DELETE', tags(contactId), { tags: list }), tagsResponse)).tags;
    },
    async listNotes(contactId) {
      return (await call(op('listNotes', 'GET', notes(contactId)), notesResponse)).notes;
    },
    async createNote(contactId, input) {
      const body = pick(input, NOTE_FIELDS);
      return (await call(op('createNote', 'POST', notes(contactId), body), noteEnvelope)).note;
    },
    async updateNote(contactId, noteId, input) {
      const body = pick(input, NOTE_FIELDS);
      return (await call(op('updateNote', 'PUT', note(contactId, noteId), body), noteEnvelope)).note;
    },
    async deleteNote(contactId, noteId) {
      await call(op('deleteNote', 'DELETE', note(contactId, noteId)), deleteResponse);
    },
  };
}
