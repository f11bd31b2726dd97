import type { AppointmentData, CallData, ContactData, NoteData, SmsData } from '@df/contracts';
import { bool, email, id, integer, type Json, phone, record, strings, text } from './fields.ts';
import { toUtcIso } from './time.ts';

function dndChannels(settings: unknown): Record<string, string> | null {
  if (settings === undefined || settings === null) return null;
  const channels = Object.entries(record(settings)).flatMap(([channel, value]) => {
    const status = text(record(value).status);
    return status ? [[channel.toLowerCase(), status] as const] : [];
  });
  return Object.fromEntries(channels);
}

export function toContactData(body: Json): ContactData {
  const customFields = Array.isArray(body.customFields)
    ? body.customFields.flatMap((field) => {
        const fieldId = id(record(field).id);
        return fieldId ? [{ id: fieldId, value: record(field).value ?? null }] : [];
      })
    : [];
  return {
    alowareContactId: null,
    ghlContactId: id(body.id),
    firstName: text(body.firstName),
    lastName: text(body.lastName),
    name: text(body.name),
    email: email(body.email),
    phone: phone(body.phone),
    companyName: text(body.companyName),
    address: text(body.address1),
    city: text(body.city),
    state: text(body.state),
    postalCode: text(body.postalCode),
    country: text(body.country),
    timezone: text(body.timezone),
    leadSource: text(body.source),
    dateOfBirth: text(body.dateOfBirth),
    ownerId: id(body.assignedTo),
    dispositionStatusId: null,
    // The full current list (ghl-api.md §4.2), not a diff.
    tags: Array.isArray(body.tags) ? strings(body.tags) : null,
    dnd: bool(body.dnd),
    dndChannels: dndChannels(body.dndSettings),
    optedOut: null,
    customFields,
    sourceCreatedAt: toUtcIso(body.dateAdded),
    sourceUpdatedAt: toUtcIso(body.dateUpdated) ?? toUtcIso(body.timestamp),
  };
}

export function toNoteData(body: Json, noteId: string): NoteData {
  return {
    noteId,
    ghlContactId: id(body.contactId),
    body: typeof body.body === 'string' ? body.body : null,
    sourceCreatedAt: toUtcIso(body.dateAdded),
  };
}

export function toSmsData(body: Json, direction: 'inbound' | 'outbound'): SmsData {
  const from = phone(body.from);
  const to = phone(body.to);
  const status = text(body.status);
  const failed = status === 'failed' || status === 'undelivered';
  const error = record(body.error);
  return {
    messageId: id(body.messageId),
    chatMessageId: null,
    conversationId: id(body.conversationId),
    alowareContactId: null,
    ghlContactId: id(body.contactId),
    contactPhone: direction === 'inbound' ? from : to,
    from,
    to,
    body: typeof body.body === 'string' && body.body !== '' ? body.body : null,
    direction,
    status,
    error: failed ? { code: id(error.code), message: text(error.message) ?? text(body.error) } : null,
    mediaUrls: strings(body.attachments),
    agentId: id(body.userId),
    sentAt: toUtcIso(body.dateAdded),
  };
}

/** ProviderOutboundMessage: GHL asks us, its SMS provider, to deliver an agent's text. */
export function toSendRequestData(body: Json): SmsData {
  const to = phone(body.phone);
  return {
    messageId: id(body.messageId),
    chatMessageId: null,
    conversationId: id(body.conversationId),
    alowareContactId: null,
    ghlContactId: id(body.contactId),
    contactPhone: to,
    from: null,
    to,
    body: typeof body.message === 'string' ? body.message : null,
    direction: 'outbound',
    status: 'requested',
    error: null,
    mediaUrls: strings(body.attachments),
    agentId: id(body.userId),
    sentAt: null,
  };
}

export function toAppointmentData(
  appointment: Json,
  appointmentId: string,
  action: AppointmentData['action'],
): AppointmentData {
  return {
    appointmentId,
    action,
    title: text(appointment.title),
    status: text(appointment.appointmentStatus),
    calendarId: id(appointment.calendarId),
    alowareContactId: null,
    ghlContactId: id(appointment.contactId),
    contactPhone: null,
    assignedUserId: id(appointment.assignedUserId),
    startTime: toUtcIso(appointment.startTime),
    endTime: toUtcIso(appointment.endTime),
    location: text(appointment.address),
    notes: text(appointment.notes),
    source: text(appointment.source),
    sourceUpdatedAt: toUtcIso(appointment.dateUpdated),
  };
}

export function toCallData(body: Json, direction: 'inbound' | 'outbound', voicemail: boolean) {
  const callId = id(body.messageId);
  if (!callId) return null;
  const from = phone(body.from);
  const to = phone(body.to);
  const attachment = strings(body.attachments)[0] ?? null;
  const agentId = id(body.userId);
  return {
    callId,
    alowareContactId: null,
    ghlContactId: id(body.contactId),
    contactPhone: direction === 'inbound' ? from : to,
    linePhone: direction === 'inbound' ? to : from,
    lineId: null,
    direction,
    status: text(body.status),
    dispositionStatus: text(body.callStatus) ?? text(body.status),
    disposition: null,
    dispositionId: null,
    durationSeconds: integer(body.callDuration),
    talkTimeSeconds: null,
    waitTimeSeconds: null,
    agent: agentId ? { id: agentId, name: null, email: null } : null,
    origin: text(body.source),
    startedAt: toUtcIso(body.dateAdded),
    recordingUrl: voicemail ? null : attachment,
    voicemailUrl: voicemail ? attachment : null,
    voicemailDurationSeconds: null,
    transcription: null,
    summary: null,
    csatScore: null,
    contact: null,
  } satisfies CallData;
}
