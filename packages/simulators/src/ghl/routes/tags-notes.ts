/** Contact tags and notes, and the location's custom fields. */

import { randomUUID } from 'node:crypto';
import type { ContactOps } from '../contact-ops.ts';
import { badRequest } from '../http.ts';
import type { Lookups } from '../lookups.ts';
import { contactToWebhook, ghlId, normalizeTags, type SimNote } from '../model.ts';
import { type AddRoute, CONTACTS_VERSION, type RequestContext } from '../router.ts';
import type { GhlState } from '../state.ts';

export function tagNoteRoutes(route: AddRoute, l: Lookups, c: ContactOps, s: GhlState): void {
  const { requireLocation, requireContact, validateBody, emit } = l;
  const { noteToApi, noteWebhook } = c;
  const { notes } = s;
  const C = { spec: 'contacts' as const, version: CONTACTS_VERSION };
  // Tags
  const tagRoute = (method: 'POST' | 'DELETE') =>
    route(method, '/contacts/{contactId}/tags', C, (req) => {
      const body = validateBody('contacts', 'TagsDTO', req.body);
      const contact = requireContact(req, req.params.contactId as string);
      const tags = normalizeTags(body.tags as string[]);
      const next =
        method === 'POST'
          ? normalizeTags([...contact.tags, ...tags])
          : contact.tags.filter((t) => !tags.includes(t));
      if (JSON.stringify(next) !== JSON.stringify(contact.tags)) {
        contact.tags = next;
        contact.dateUpdated = new Date().toISOString();
        emit({ type: 'ContactTagUpdate', ...contactToWebhook(contact) });
      }
      return {
        status: method === 'POST' ? 201 : 200,
        body: { tags: [...contact.tags], traceId: randomUUID() },
      };
    });
  tagRoute('POST');
  tagRoute('DELETE');

  // Notes
  route('GET', '/contacts/{contactId}/notes', C, (req) => {
    const contact = requireContact(req, req.params.contactId as string);
    const list = [...notes.values()].filter((n) => n.contactId === contact.id).map(noteToApi);
    return { status: 200, body: { notes: list, traceId: randomUUID() } };
  });
  route('POST', '/contacts/{contactId}/notes', C, (req) => {
    const body = validateBody('contacts', 'NotesDTO', req.body);
    const contact = requireContact(req, req.params.contactId as string);
    const note: SimNote = {
      id: ghlId(),
      contactId: contact.id,
      body: body.body as string,
      dateAdded: new Date().toISOString(),
      ...(body.userId !== undefined && { userId: body.userId as string }),
      ...(body.title !== undefined && { title: body.title as string }),
      ...(body.color !== undefined && { color: body.color as string }),
      ...(body.pinned !== undefined && { pinned: body.pinned as boolean }),
    };
    notes.set(note.id, note);
    emit(noteWebhook('NoteCreate', note));
    return { status: 201, body: { note: noteToApi(note), traceId: randomUUID() } };
  });
  const requireNote = (req: RequestContext) => {
    const contact = requireContact(req, req.params.contactId as string);
    const note = notes.get(req.params.id as string);
    if (!note || note.contactId !== contact.id) throw badRequest(`Note with id ${req.params.id} not found`);
    return note;
  };
  route('GET', '/contacts/{contactId}/notes/{id}', C, (req) => ({
    status: 200,
    body: { note: noteToApi(requireNote(req)), traceId: randomUUID() },
  }));
  route('PUT', '/contacts/{contactId}/notes/{id}', C, (req) => {
    const body = validateBody('contacts', 'UpdateNoteDTO', req.body);
    const note = requireNote(req);
    for (const key of ['body', 'userId', 'title', 'color', 'pinned'] as const) {
      if (body[key] !== undefined) (note as unknown as Record<string, unknown>)[key] = body[key];
    }
    emit(noteWebhook('NoteUpdate', note));
    return { status: 200, body: { note: noteToApi(note), traceId: randomUUID() } };
  });
  route('DELETE', '/contacts/{contactId}/notes/{id}', C, (req) => {
    const note = requireNote(req);
    notes.delete(note.id);
    emit(noteWebhook('NoteDelete', note));
    return { status: 200, body: { succeded: true, traceId: randomUUID() } };
  });

  // Custom fields (apps/locations.json is not among the copied specs, so no response validation).
  route('GET', '/locations/{locationId}/customFields', { version: CONTACTS_VERSION }, (req) => {
    const loc = requireLocation(req, req.params.locationId);
    const model = req.query.get('model') ?? 'all';
    const list = loc.customFields
      .filter((f) => model === 'all' || f.model === model)
      .map((f) => ({
        ...f,
        placeholder: '',
        picklistOptions: [],
        picklistImageOptions: [],
        isAllowedCustomOption: false,
        isMultiFileAllowed: false,
        maxFileLimit: 0,
        locationId: loc.id,
      }));
    return { status: 200, body: { customFields: list, traceId: randomUUID() } };
  });
}
