/** Contact and note behaviour shared by routes and the test handle: duplicates, custom fields, webhooks. */

import { unprocessable } from './http.ts';
import type { Lookups } from './lookups.ts';
import {
  applyContactPatch,
  contactToWebhook,
  ghlId,
  normalizePhone,
  type SimContact,
  type SimNote,
} from './model.ts';
import type { Location } from './state.ts';

export type ContactOps = ReturnType<typeof contactOps>;

export function contactOps({ location, emit, findContact }: Lookups) {
  const resolveCustomFields = (
    loc: Location,
    input: unknown,
  ): { id: string; value: unknown }[] | undefined => {
    if (!Array.isArray(input)) return undefined;
    return input.map((raw, index) => {
      const f = raw as Record<string, unknown>;
      const key = typeof f.key === 'string' ? f.key.replace(/^contact\./, '') : undefined;
      const def = loc.customFields.find((d) => d.id === f.id || (key && d.fieldKey === `contact.${key}`));
      if (!def)
        throw unprocessable([`customFields.${index} custom field ${String(f.id ?? f.key)} does not exist`]);
      const value = f.fieldValue ?? f.field_value ?? f.value;
      return { id: def.id, value };
    });
  };

  const findDuplicate = (loc: Location, email: unknown, phone: unknown) => {
    for (const field of loc.settings.duplicatePriority) {
      for (const c of loc.contacts.values()) {
        if (
          field === 'email' &&
          typeof email === 'string' &&
          email &&
          c.email?.toLowerCase() === email.toLowerCase()
        ) {
          return { contact: c, matchingField: 'email' as const };
        }
        if (field === 'phone' && typeof phone === 'string' && phone && c.phone === normalizePhone(phone)) {
          return { contact: c, matchingField: 'phone' as const };
        }
      }
    }
    return undefined;
  };

  const newContact = (loc: Location, body: Record<string, unknown>): SimContact => {
    const now = new Date().toISOString();
    const contact: SimContact = {
      id: ghlId(),
      locationId: loc.id,
      dnd: false,
      tags: [],
      customFields: [],
      type: 'lead',
      dateAdded: now,
      dateUpdated: now,
    };
    applyContactPatch(contact, body, resolveCustomFields(loc, body.customFields));
    contact.dateUpdated = now;
    loc.contacts.set(contact.id, contact);
    emit({ type: 'ContactCreate', ...contactToWebhook(contact) });
    return contact;
  };

  const updateContact = (contact: SimContact, body: Record<string, unknown>) => {
    const loc = location(contact.locationId);
    const changed = applyContactPatch(contact, body, resolveCustomFields(loc, body.customFields));
    if (changed.size === 0) return;
    emit({ type: 'ContactUpdate', ...contactToWebhook(contact) });
    if (changed.has('tags')) emit({ type: 'ContactTagUpdate', ...contactToWebhook(contact) });
    if (changed.has('dnd') || changed.has('dndSettings')) {
      emit({
        type: 'ContactDndUpdate',
        ...contactToWebhook(contact),
        dndSettings: contact.dndSettings ?? {},
      });
    }
  };

  const noteToApi = (n: SimNote) => ({ ...n });
  const noteWebhook = (type: string, n: SimNote) => ({
    type,
    locationId: findContact(n.contactId)?.locationId ?? '',
    id: n.id,
    body: n.body,
    contactId: n.contactId,
    dateAdded: n.dateAdded,
  });

  return { resolveCustomFields, findDuplicate, newContact, updateContact, noteToApi, noteWebhook };
}
