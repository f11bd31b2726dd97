import { type ContactData, type EventOfType, nameUuid, toE164 } from '@df/contracts';
import type { GhlContact } from '@df/ghl-client';

export interface SnapshotContext {
  tenant: string;
  runId: string;
  now: Date;
}

const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);
const iso = (value: string | undefined) => {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** A GHL contact as read from its search, in the terms of a GHL contact webhook (ingress's `toContactData`). */
export function ghlContactData(contact: GhlContact): ContactData {
  const channels = contact.dndSettings
    ? Object.fromEntries(Object.entries(contact.dndSettings).map(([k, v]) => [k.toLowerCase(), v.status]))
    : null;
  return {
    alowareContactId: null,
    ghlContactId: contact.id,
    firstName: text(contact.firstName),
    lastName: text(contact.lastName),
    name: text(contact.name),
    email: text(contact.email?.trim().toLowerCase()),
    phone: toE164(contact.phone),
    companyName: text(contact.companyName),
    address: text(contact.address1),
    city: text(contact.city),
    state: text(contact.state),
    postalCode: text(contact.postalCode),
    country: text(contact.country),
    timezone: text(contact.timezone),
    leadSource: text(contact.source),
    dateOfBirth: text(contact.dateOfBirth),
    ownerId: text(contact.assignedTo),
    dispositionStatusId: null,
    tags: contact.tags,
    dnd: contact.dnd ?? null,
    dndChannels: channels,
    optedOut: null,
    customFields: contact.customFields.map((f) => ({ id: f.id, value: f.value ?? null })),
    sourceCreatedAt: iso(contact.dateAdded),
    sourceUpdatedAt: iso(contact.dateUpdated),
  };
}

/**
 * The snapshot event of one GHL contact, on the topic GHL's webhooks feed. Its id derives from (tenant, contact,
 * the contact's dateUpdated): a rerun, or a page published again after a crash, carries the ids it carried before
 * and every consumer drops it; a contact edited since gets a new id and is applied (its time decides, as for a
 * webhook). Keyed like the contact's webhooks (phone, else id), so it queues in order with them.
 */
export function ghlSnapshotEvent(contact: GhlContact, ctx: SnapshotContext): EventOfType<'contact.updated'> {
  const data = ghlContactData(contact);
  const version = data.sourceUpdatedAt ?? data.sourceCreatedAt ?? '-';
  return {
    id: nameUuid(`backfill|ghl|${ctx.tenant}|${contact.id}|${version}`),
    type: 'contact.updated',
    sourceEventName: 'Backfill',
    tenant: ctx.tenant,
    entity: { type: 'contact', id: contact.id },
    naturalKey: data.phone ?? contact.id,
    occurredAt: data.sourceUpdatedAt ?? data.sourceCreatedAt ?? ctx.now.toISOString(),
    dedupeKey: `ghl:backfill:${contact.id}:${version}`,
    data,
    source: 'ghl',
    receivedAt: ctx.now.toISOString(),
    correlationId: ctx.runId,
    raw: contact,
    backfill: { runId: ctx.runId },
  };
}
