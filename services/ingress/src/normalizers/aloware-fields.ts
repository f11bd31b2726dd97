import type { AppointmentData, CallData, ContactData, SmsData } from '@df/contracts';
import { bool, email, id, integer, type Json, phone, record, strings, text } from './fields.ts';
import { toUtcIso } from './time.ts';

// Aloware's numeric enums (aloware-api.md §5.4, from Aloware's own Talk front end).
const CURRENT_STATUS: Record<number, string> = {
  1: 'ringing',
  2: 'greeting',
  3: 'queued',
  4: 'ring-all',
  5: 'transferring',
  6: 'voicemail',
  7: 'whispering',
  8: 'in-progress',
  9: 'completed',
  10: 'parked',
  11: 'received',
  12: 'sent',
  13: 'delivered',
  14: 'accepted',
  15: 'queued',
  16: 'sending',
  17: 'receiving',
  18: 'undelivered',
  19: 'failed',
};
const DISPOSITION_STATUS: Record<number, string> = {
  1: 'in-progress',
  2: 'abandoned',
  3: 'missed',
  4: 'completed',
  5: 'failed',
  6: 'dead-end',
  7: 'invalid',
  8: 'placed',
  9: 'appointment-attended',
  10: 'appointment-canceled',
  11: 'appointment-set',
  12: 'voicemail',
  13: 'missed+voicemail',
  14: 'appointment-missed',
};
const CREATOR_TYPE: Record<number, string> = {
  1: 'manual',
  2: 'api',
  3: 'sequence',
  4: 'broadcast',
  5: 'power_dialer',
  6: 'sms_reminder',
  7: 'app_notification',
  8: 'hubspot_workflow',
  9: 'zapier',
  10: 'alohabot',
  11: 'highlevel',
  12: 'aloai',
  13: 'salesforce',
  14: 'hubspot_inbox',
};

// Everything else on a contact is an account-defined custom field, sent as a flat top-level key.
const CONTACT_KEYS = new Set(
  `id company_id user_id initial_campaign_id disposition_status_id lead_source_id intake_source contact_source
  phone_number company_name email first_name last_name name timezone external_data csf1 csf2 unread_count
  cnam_source cnam_city cnam_state cnam_zipcode cnam_country address website notes date_of_birth
  last_engagement_at last_engagement_text nb_communications inbound_call_count outbound_call_count
  inbound_sms_count outbound_sms_count unread_voicemail_count unread_missed_call_count lrn_type is_blocked is_dnc
  is_opted_out uuid_v4 text_authorized text_authorized_at created_at updated_at campaign_ids lead_source
  integration_data custom_link workflow_id sequence_id tags other_phone_numbers`.split(/\s+/),
);

function lookup(table: Record<number, string>, code: unknown): string | null {
  return typeof code === 'number' ? (table[code] ?? null) : null;
}

export function direction(comm: Json): 'inbound' | 'outbound' | null {
  if (comm.direction === 1) return 'inbound';
  if (comm.direction === 2) return 'outbound';
  return null;
}

export function currentStatus(comm: Json): string | null {
  return text(comm.current_status) ?? lookup(CURRENT_STATUS, comm.current_status2);
}

export function dispositionStatus(comm: Json): string | null {
  return text(comm.disposition_status) ?? lookup(DISPOSITION_STATUS, comm.disposition_status2);
}

export function toContactData(contact: Json, timeZone: string): ContactData {
  const customFields = Object.entries(contact)
    .filter(([key, value]) => (!CONTACT_KEYS.has(key) || key === 'csf1' || key === 'csf2') && value != null)
    .map(([key, value]) => ({ id: key, value }));
  return {
    alowareContactId: id(contact.id),
    ghlContactId: null,
    firstName: text(contact.first_name),
    lastName: text(contact.last_name),
    name: text(contact.name),
    email: email(contact.email),
    phone: phone(contact.phone_number),
    companyName: text(contact.company_name),
    address: text(contact.address),
    city: text(contact.cnam_city),
    state: text(contact.cnam_state),
    postalCode: text(contact.cnam_zipcode),
    country: text(contact.cnam_country),
    timezone: text(contact.timezone),
    leadSource: text(contact.lead_source),
    dateOfBirth: text(contact.date_of_birth),
    ownerId: id(contact.user_id),
    dispositionStatusId: id(contact.disposition_status_id),
    tags: Array.isArray(contact.tags)
      ? contact.tags.map((t) => text(record(t).name) ?? text(t)).filter(isText)
      : null,
    dnd: bool(contact.is_dnc),
    dndChannels: null,
    optedOut: bool(contact.is_opted_out),
    customFields,
    sourceCreatedAt: toUtcIso(contact.created_at, timeZone),
    sourceUpdatedAt: toUtcIso(contact.updated_at, timeZone),
  };
}

function isText(value: string | null): value is string {
  return value !== null;
}

function transcriptText(parsed: unknown): string | null {
  const messages = record(parsed).messages;
  if (!Array.isArray(messages)) return null;
  const lines = messages.map((m) => {
    const line = record(m);
    return `${text(line.speaker) ?? 'UNKNOWN'}: ${text(line.text) ?? ''}`;
  });
  return lines.length > 0 ? lines.join('\n') : null;
}

/** `extra` is the transcription-event wrapper (summary, parsed transcript) around the communication. */
export function toCallData(comm: Json, timeZone: string, extra: Json = {}): CallData | null {
  const callId = id(comm.id);
  if (!callId) return null;
  const contact = record(comm.contact ?? extra.contact);
  const agentId = id(comm.user_id);
  const agentName = text(record(comm.user).name);
  const agentEmail = email(comm.user_email);
  return {
    callId,
    alowareContactId: id(comm.contact_id) ?? id(contact.id),
    ghlContactId: null,
    contactPhone: phone(comm.lead_number) ?? phone(contact.phone_number),
    linePhone: phone(comm.incoming_number),
    lineId: id(comm.campaign_id),
    direction: direction(comm),
    status: currentStatus(comm),
    dispositionStatus: dispositionStatus(comm),
    disposition: text(comm.call_disposition),
    dispositionId: id(comm.call_disposition_id),
    durationSeconds: integer(comm.duration),
    talkTimeSeconds: integer(comm.talk_time),
    waitTimeSeconds: integer(comm.wait_time),
    agent: agentId || agentName || agentEmail ? { id: agentId, name: agentName, email: agentEmail } : null,
    origin: lookup(CREATOR_TYPE, comm.creator_type),
    startedAt: toUtcIso(comm.created_at, timeZone),
    recordingUrl: text(comm.direct_recording_url),
    // No source has shown Aloware's voicemail URL field; these are the plausible names.
    voicemailUrl: text(comm.voicemail_url) ?? text(comm.direct_voicemail_url),
    voicemailDurationSeconds: integer(comm.voicemail_duration),
    transcription: transcriptText(extra.parsed_transcription ?? comm.parsed_transcription),
    summary: text(extra.summary) ?? text(comm.call_summary),
    csatScore: typeof comm.csat_score === 'number' ? comm.csat_score : null,
    contact: Object.keys(contact).length > 0 ? toContactData(contact, timeZone) : null,
  };
}

export function toSmsData(comm: Json, timeZone: string): SmsData {
  const contactPhone = phone(comm.lead_number) ?? phone(record(comm.contact).phone_number);
  const linePhone = phone(comm.incoming_number);
  const inbound = direction(comm) !== 'outbound';
  const status = currentStatus(comm);
  const failed = isFailedSms(comm);
  return {
    messageId: id(comm.id),
    chatMessageId: null,
    conversationId: null,
    alowareContactId: id(comm.contact_id) ?? id(record(comm.contact).id),
    ghlContactId: null,
    contactPhone,
    from: inbound ? contactPhone : linePhone,
    to: inbound ? linePhone : contactPhone,
    body: typeof comm.body === 'string' && comm.body !== '' ? comm.body : null,
    direction: inbound ? 'inbound' : 'outbound',
    status,
    error: failed ? { code: id(comm.disposition_status2), message: dispositionStatus(comm) } : null,
    mediaUrls: Array.isArray(comm.attachments)
      ? [...strings(comm.attachments), ...comm.attachments.map((a) => text(record(a).url)).filter(isText)]
      : [],
    agentId: id(comm.user_id),
    sentAt: toUtcIso(comm.created_at, timeZone),
  };
}

export function isFailedSms(comm: Json): boolean {
  const failedStatus = ['failed', 'undelivered'].includes(currentStatus(comm) ?? '');
  const failedDisposition = ['failed', 'invalid', 'dead-end'].includes(dispositionStatus(comm) ?? '');
  return failedStatus || failedDisposition;
}

export function toAppointmentData(comm: Json, timeZone: string): AppointmentData | null {
  const appointmentId = id(comm.id);
  if (!appointmentId) return null;
  const updated = text(comm.updated_at);
  return {
    appointmentId,
    // Aloware sends one "Appointment Saved" for both; an untouched row is a new one.
    action: updated === null || updated === text(comm.created_at) ? 'created' : 'updated',
    title: text(comm.body),
    status: dispositionStatus(comm),
    calendarId: null,
    alowareContactId: id(comm.contact_id),
    ghlContactId: null,
    contactPhone: phone(comm.lead_number),
    assignedUserId: id(comm.user_id),
    startTime: null,
    endTime: null,
    location: null,
    notes: text(comm.notes),
    source: 'aloware',
    sourceUpdatedAt: toUtcIso(comm.updated_at, timeZone),
  };
}
