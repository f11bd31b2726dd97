/** GHL contacts: create (duplicate rules), upsert, duplicate search, search with paging, read, update, delete. */

import { randomUUID } from 'node:crypto';
import type { ContactOps } from '../contact-ops.ts';
import { matchesFilter, matchesQuery } from '../contact-search.ts';
import { badRequest } from '../http.ts';
import type { Lookups } from '../lookups.ts';
import { contactToApi, contactToWebhook, type SimContact } from '../model.ts';
import { type AddRoute, CONTACTS_VERSION } from '../router.ts';
import { validateSearchBody } from '../search-body.ts';
import type { GhlState } from '../state.ts';

export function contactRoutes(route: AddRoute, l: Lookups, c: ContactOps, s: GhlState): void {
  const { requireLocation, requireContact, validateBody, emit, location } = l;
  const { findDuplicate, newContact, updateContact } = c;
  const { notes } = s;
  const C = { spec: 'contacts' as const, version: CONTACTS_VERSION };
  // Contacts
  route('POST', '/contacts/', C, (req) => {
    const body = validateBody('contacts', 'CreateContactDto', req.body);
    const loc = requireLocation(req, body.locationId);
    if (!loc.settings.allowDuplicates) {
      const dup = findDuplicate(loc, body.email, body.phone);
      if (dup) {
        throw badRequest('This location does not allow duplicated contacts.', {
          meta: {
            contactId: dup.contact.id,
            contactName: dup.contact.name ?? '',
            matchingField: dup.matchingField,
          },
        });
      }
    }
    const { locationId: _l, ...fields } = body;
    return { status: 201, body: { contact: contactToApi(newContact(loc, fields)) } };
  });
  route('POST', '/contacts/upsert', C, (req) => {
    const body = validateBody('contacts', 'UpsertContactDto', req.body);
    const loc = requireLocation(req, body.locationId);
    const { locationId: _l, createNewIfDuplicateAllowed, ...fields } = body;
    const alwaysCreate = createNewIfDuplicateAllowed === true && loc.settings.allowDuplicates;
    const dup = alwaysCreate ? undefined : findDuplicate(loc, fields.email, fields.phone);
    if (dup) {
      // First match wins; the other identifying field is ignored to avoid creating a duplicate.
      const patch = { ...fields };
      if (dup.matchingField === 'email' && patch.phone && findDuplicate(loc, undefined, patch.phone))
        delete patch.phone;
      if (dup.matchingField === 'phone' && patch.email && findDuplicate(loc, patch.email, undefined))
        delete patch.email;
      updateContact(dup.contact, patch);
      return { status: 200, body: { new: false, contact: contactToApi(dup.contact), traceId: randomUUID() } };
    }
    return {
      status: 200,
      body: { new: true, contact: contactToApi(newContact(loc, fields)), traceId: randomUUID() },
    };
  });
  route('GET', '/contacts/search/duplicate', C, (req) => {
    const loc = requireLocation(req, req.query.get('locationId'));
    const dup = findDuplicate(loc, req.query.get('email') ?? undefined, req.query.get('number') ?? undefined);
    return { status: 200, body: { contact: dup ? contactToApi(dup.contact) : null, traceId: randomUUID() } };
  });
  route('POST', '/contacts/search', C, (req) => {
    const body = validateSearchBody(req.body);
    const loc = requireLocation(req, body.locationId);
    let list = [...loc.contacts.values()];
    for (const filter of body.filters ?? []) list = list.filter((c) => matchesFilter(c, filter));
    if (body.query) list = list.filter((c) => matchesQuery(c, body.query as string));
    const sort = body.sort?.[0] ?? { field: 'dateAdded', direction: 'asc' };
    const keyOf = (c: SimContact): string | number => {
      const v = contactToApi(c)[sort.field];
      if (sort.field === 'dateAdded' || sort.field === 'dateUpdated') return Date.parse(String(v));
      return typeof v === 'number' ? v : String(v ?? '').toLowerCase();
    };
    const dir = sort.direction === 'desc' ? -1 : 1;
    const cmp = (a: [string | number, string], b: [string | number, string]) =>
      (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) * dir;
    const keyed = list.map((c) => ({ c, key: [keyOf(c), c.id] as [string | number, string] }));
    keyed.sort((a, b) => cmp(a.key, b.key));
    let page: typeof keyed;
    if (body.searchAfter) {
      const after = body.searchAfter as [string | number, string];
      page = keyed.filter((k) => cmp(k.key, after) > 0).slice(0, body.pageLimit);
    } else {
      const start = ((body.page ?? 1) - 1) * body.pageLimit;
      if (start + body.pageLimit > 10_000)
        throw badRequest('Use searchAfter to paginate beyond 10000 records');
      page = keyed.slice(start, start + body.pageLimit);
    }
    return {
      status: 200,
      body: {
        contacts: page.map(({ c, key }) => ({ ...contactToApi(c), searchAfter: key })),
        total: keyed.length,
        traceId: randomUUID(),
      },
    };
  });
  route('GET', '/contacts/{contactId}', C, (req) => ({
    status: 200,
    body: {
      contact: contactToApi(requireContact(req, req.params.contactId as string)),
      traceId: randomUUID(),
    },
  }));
  route('PUT', '/contacts/{contactId}', C, (req) => {
    const body = validateBody('contacts', 'UpdateContactDto', req.body);
    const contact = requireContact(req, req.params.contactId as string);
    updateContact(contact, body);
    return { status: 200, body: { succeded: true, contact: contactToApi(contact), traceId: randomUUID() } };
  });
  route('DELETE', '/contacts/{contactId}', C, (req) => {
    const contact = requireContact(req, req.params.contactId as string);
    location(contact.locationId).contacts.delete(contact.id);
    for (const [id, note] of notes) if (note.contactId === contact.id) notes.delete(id);
    emit({ type: 'ContactDelete', ...contactToWebhook(contact) });
    return { status: 200, body: { succeded: true, traceId: randomUUID() } };
  });
}
