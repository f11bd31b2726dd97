import type { DraftOfType, EventDraft, EventType } from '@df/contracts';
import { consentFromInboundSms } from './consent.ts';
import { contentHash } from './dedupe.ts';
import { eventKey, id, isRecord, type Json, phone, record, text } from './fields.ts';
import { toAppointmentData, toCallData, toContactData, toNoteData, toSmsData } from './ghl-fields.ts';
import { isProviderDelivery, normalizeGhlProvider } from './ghl-provider.ts';
import { toUtcIso } from './time.ts';

export interface GhlNormalizeOptions {
  now?: () => Date;
  /** Tenant for events without a locationId (agency-level app events). */
  defaultTenant?: string;
}

const CONTACT_EVENTS: Record<string, Extract<EventType, `contact.${string}`>> = {
  contactcreate: 'contact.created',
  contactupdate: 'contact.updated',
  contactdelete: 'contact.deleted',
  contactdndupdate: 'contact.dnd_changed',
  contacttagupdate: 'contact.tags_changed',
};
const NOTE_EVENTS: Record<string, Extract<EventType, `note.${string}`>> = {
  notecreate: 'note.created',
  noteupdate: 'note.updated',
  notedelete: 'note.deleted',
};
// AppInstall / AppUninstall carry `type` INSTALL / UNINSTALL.
const APP_EVENTS: Record<string, 'app.installed' | 'app.uninstalled'> = {
  install: 'app.installed',
  uninstall: 'app.uninstalled',
};
const APPOINTMENT_ACTIONS: Record<string, 'created' | 'updated' | 'deleted'> = {
  appointmentcreate: 'created',
  appointmentupdate: 'updated',
  appointmentdelete: 'deleted',
};

type Base = Omit<EventDraft, 'type' | 'entity' | 'data'>;
type CallEventType = Extract<EventType, `call.${string}`>;

function messageEvents(base: Base, body: Json, key: string): EventDraft[] {
  // The webhook name decides the direction of texts: GHL's OutboundMessage SMS example says "inbound" (doc
  // bug), and an agent's "Reply STOP" must never read as the contact opting out.
  const byName = key === 'inboundmessage' ? 'inbound' : 'outbound';
  const channel = eventKey(text(body.messageType) ?? '').replace(/^type/, '');
  const messageId = id(body.messageId);
  if (channel === 'sms') {
    const data = toSmsData(body, byName);
    const entity = { type: 'message' as const, id: messageId };
    if (byName === 'inbound') {
      const received: DraftOfType<'sms.received'> = { ...base, type: 'sms.received', entity, data };
      return [received, ...consentFromInboundSms(received)];
    }
    return [{ ...base, type: data.error ? 'sms.failed' : 'sms.sent', entity, data }];
  }
  if (channel === 'call' || channel === 'voicemail') {
    // Calls: the `direction` field wins, since the InboundMessage page's call example carries the wrong name.
    const direction = body.direction === 'inbound' || body.direction === 'outbound' ? body.direction : byName;
    const outcome = text(body.callStatus) ?? text(body.status) ?? '';
    const voicemail = channel === 'voicemail' || (outcome === 'voicemail' && direction === 'inbound');
    const data = toCallData(body, direction, voicemail);
    if (!data) return unknownEvent(base, body, `${text(body.type)} call without messageId`);
    const type: CallEventType = voicemail ? 'call.voicemail_saved' : callOutcome(outcome, direction);
    return [{ ...base, type, entity: { type: 'call', id: data.callId }, data }];
  }
  return unknownEvent(base, body, `unsupported channel ${text(body.messageType) ?? 'none'}`);
}

function callOutcome(status: string, direction: 'inbound' | 'outbound'): CallEventType {
  if (status === 'failed') return 'call.failed';
  if (status === 'pending') return 'call.initiated';
  if (['no-answer', 'busy', 'canceled'].includes(status))
    return direction === 'inbound' ? 'call.missed' : 'call.failed';
  return 'call.completed';
}

function unknownEvent(base: Base, body: Json, reason: string): EventDraft[] {
  return [
    {
      ...base,
      type: 'unknown',
      entity: { type: 'unknown', id: id(body.id) ?? id(body.messageId) },
      data: { reason },
    },
  ];
}

/**
 * Normalizes one GHL webhook: the marketplace app events (flat JSON with `type` and `locationId`) and the
 * conversation-provider delivery webhook. Throws only when the body is not a JSON object.
 */
export function normalizeGhl(body: unknown, options: GhlNormalizeOptions = {}): EventDraft[] {
  if (!isRecord(body)) throw new Error('ghl webhook body must be a JSON object');
  const now = options.now ?? (() => new Date());
  // The provider delivery webhook has no event name; its `type` is the channel (ghl-api.md §3.6).
  if (isProviderDelivery(body)) return normalizeGhlProvider(body, now);
  const sourceEventName = text(body.type) ?? '';
  const key = eventKey(sourceEventName);
  const appointment = record(body.appointment);
  const creation = key.endsWith('create') || key.endsWith('message');
  const entityTime = creation
    ? (body.dateAdded ?? appointment.dateAdded)
    : (body.dateUpdated ?? appointment.dateUpdated);

  const webhookId = text(body.webhookId);
  const entityId = id(body.id) ?? id(body.messageId) ?? id(appointment.id);
  // GHL keeps webhookId across retries; without one, the content itself identifies the delivery.
  const dedupeKey = webhookId ? `ghl:${webhookId}` : `ghl:${key}:${entityId ?? '-'}:${contentHash(body)}`;
  const base: Base = {
    sourceEventName,
    tenant: text(body.locationId) ?? text(body.companyId) ?? options.defaultTenant ?? 'unknown',
    // Without a phone, the contact id still keeps one person's events together.
    naturalKey: phone(body.phone) ?? id(body.contactId) ?? id(appointment.contactId) ?? entityId ?? dedupeKey,
    occurredAt: toUtcIso(entityTime) ?? toUtcIso(body.timestamp) ?? now().toISOString(),
    dedupeKey,
  };

  const appEvent = APP_EVENTS[key];
  if (appEvent) {
    const appId = id(body.appId);
    const data = { appId, locationId: text(body.locationId), companyId: text(body.companyId) };
    // One key per app and tenant: an uninstall and a later re-install stay in order.
    return [
      {
        ...base,
        type: appEvent,
        naturalKey: `app:${appId ?? '-'}`,
        entity: { type: 'app', id: appId },
        data,
      },
    ];
  }
  const contactType = CONTACT_EVENTS[key];
  if (contactType) {
    return [
      { ...base, type: contactType, entity: { type: 'contact', id: id(body.id) }, data: toContactData(body) },
    ];
  }
  const noteType = NOTE_EVENTS[key];
  const noteId = id(body.id);
  if (noteType && noteId) {
    return [
      { ...base, type: noteType, entity: { type: 'note', id: noteId }, data: toNoteData(body, noteId) },
    ];
  }
  const action = APPOINTMENT_ACTIONS[key];
  const appointmentId = id(appointment.id);
  if (action && appointmentId) {
    const data = toAppointmentData(appointment, appointmentId, action);
    return [
      { ...base, type: 'appointment.recorded', entity: { type: 'appointment', id: appointmentId }, data },
    ];
  }
  if (key === 'inboundmessage' || key === 'outboundmessage') return messageEvents(base, body, key);
  return unknownEvent(
    base,
    body,
    sourceEventName ? `unsupported ghl event ${sourceEventName}` : 'ghl event without type',
  );
}
