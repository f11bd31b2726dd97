import type { DraftOfType, EventDraft, EventType } from '@df/contracts';
import {
  direction,
  dispositionStatus,
  isFailedSms,
  toAppointmentData,
  toCallData,
  toContactData,
  toSmsData,
} from './aloware-fields.ts';
import { consentFromInboundSms } from './consent.ts';
import { contentHash } from './dedupe.ts';
import { eventKey, id, isRecord, type Json, phone, record, text } from './fields.ts';
import { toUtcIso } from './time.ts';

export interface AlowareNormalizeOptions {
  now?: () => Date;
  /**
   * IANA zone of Aloware's zone-less `YYYY-MM-DD HH:MM:SS` timestamps. Unconfirmed by Aloware; the two
   * integrations that captured real deliveries read them as UTC (aloware-api.md §5.4, open question 4).
   */
  timeZone?: string;
  /** Tenant when the payload carries no company id. */
  defaultTenant?: string;
  /**
   * Names this delivery when it carries no identity of its own (contact events have no `updated_at`).
   * Aloware never retries a delivery, so two identical bodies are two real changes (DNC true → false →
   * true): the caller passes a fresh id per request. Without it the content hash stands in (tests, replays).
   */
  deliveryId?: string;
}

export const ALOWARE_DEFAULT_TIME_ZONE = 'UTC';

function isFamily<F extends 'contact' | 'call' | 'sms'>(
  type: EventType,
  family: F,
): type is Extract<EventType, `${F}.${string}`> {
  return type.startsWith(`${family}.`);
}

const CONTACT_EVENTS: Record<string, EventType> = {
  contactcreated: 'contact.created',
  contactupdated: 'contact.updated',
  // A disposition is a field of the contact; downstream treats it like any other update.
  contactdisposed: 'contact.updated',
  contactdncupdated: 'contact.dnd_changed',
};

const CALL_DETAIL_EVENTS: Record<string, EventType> = {
  calldisposed: 'call.disposed',
  recordingsaved: 'call.recording_saved',
  voicemailsaved: 'call.voicemail_saved',
  transcriptionsaved: 'call.transcription_saved',
  transcriptionopensearchsaved: 'call.transcription_saved',
  transcriptioncallsummarized: 'call.summarized',
  callsummarized: 'call.summarized',
};

// `{Inbound|Outbound}{PhoneCall|SMS|Appointment}[-Disposition<Status>]`, plus the UI labels as fallbacks.
const COMMUNICATION = /^(inbound|outbound)(phonecall|call|sms|appointment)(?:disposition([a-z0-9]*))?$/;

type Channel = 'call' | 'sms' | 'appointment';

function channelOf(match: string | undefined, comm: Json): Channel | null {
  if (match === 'phonecall' || match === 'call') return 'call';
  if (match === 'sms' || match === 'appointment') return match;
  if (comm.type === 1) return 'call';
  if (comm.type === 2) return 'sms';
  if (comm.type === 12) return 'appointment';
  return null;
}

function callOutcome(status: string | null, inbound: boolean): EventType {
  switch (eventKey(status ?? '')) {
    case 'completed':
    case 'placed':
      return 'call.completed';
    case 'missed':
    case 'abandoned':
      return 'call.missed';
    case 'voicemail':
    case 'missedvoicemail':
      // Inbound: the caller reached our voicemail. Outbound: we reached theirs, the call itself went through.
      return inbound ? 'call.missed' : 'call.completed';
    case 'failed':
    case 'invalid':
    case 'deadend':
      return 'call.failed';
    case 'inprogress':
      return 'call.initiated';
    default:
      return 'call.disposed';
  }
}

function communicationType(key: string, comm: Json): EventType | null {
  const match = COMMUNICATION.exec(key);
  const generic = key === 'communicationinitiated' || key === 'communicationdisposed';
  if (!match && !generic) return null;
  const channel = channelOf(match?.[2], comm);
  const disposed = match ? match[3] !== undefined : key === 'communicationdisposed';
  const inbound = direction(comm) === 'inbound' || (direction(comm) === null && match?.[1] === 'inbound');
  if (channel === 'appointment') return 'appointment.recorded';
  if (channel === 'sms') {
    if (inbound) return 'sms.received';
    // Aloware sends one webhook per text, so its "completed" is the only news that it went out.
    return isFailedSms(comm) ? 'sms.failed' : 'sms.sent';
  }
  if (channel === 'call') {
    if (!disposed) return 'call.initiated';
    return callOutcome(match?.[3] || dispositionStatus(comm), inbound);
  }
  return null;
}

export function alowareEventType(eventName: string, comm: Json): EventType {
  const key = eventKey(eventName);
  return CONTACT_EVENTS[key] ?? CALL_DETAIL_EVENTS[key] ?? communicationType(key, comm) ?? 'unknown';
}

/**
 * Normalizes one Aloware webhook delivery (`{"body": {...}, "event": "<name>"}`). Returns [] for the
 * "Test & Validate" ping. Throws only when the delivery is not a JSON object.
 */
export function normalizeAloware(delivery: unknown, options: AlowareNormalizeOptions = {}): EventDraft[] {
  if (!isRecord(delivery)) throw new Error('aloware webhook body must be a JSON object');
  if (delivery.test_payload === true && delivery.event === undefined) return [];

  const timeZone = options.timeZone ?? ALOWARE_DEFAULT_TIME_ZONE;
  const now = options.now ?? (() => new Date());
  const sourceEventName = text(delivery.event) ?? '';
  const payload = record(delivery.body);
  // Transcription events wrap the call: {summary, transcription, contact, communication, …}.
  const wrapped = isRecord(payload.communication);
  const comm = wrapped ? record(payload.communication) : payload;
  const transcription = record(payload.transcription);
  const type = alowareEventType(sourceEventName, comm);

  const tenant =
    id(payload.company_id) ??
    id(comm.company_id) ??
    id(transcription.company_id) ??
    id(record(payload.contact).company_id) ??
    options.defaultTenant ??
    'unknown';
  const ownStamp = text(transcription.updated_at) ?? text(comm.updated_at);
  const occurredAt =
    toUtcIso(ownStamp, timeZone) ??
    (type === 'contact.created' ? toUtcIso(comm.created_at, timeZone) : null) ??
    now().toISOString();
  const entityId = id(comm.id);
  // aloware-api.md §5.6: (event, communication id, updated_at); contacts carry no updated_at, hence no identity.
  const identity = ownStamp ?? `delivery:${options.deliveryId ?? contentHash(delivery)}`;
  const dedupeKey = `aloware:${eventKey(sourceEventName)}:${entityId ?? '-'}:${identity}`;
  const personPhone = phone(comm.lead_number) ?? phone(comm.phone_number);
  const base = {
    sourceEventName,
    tenant,
    naturalKey: personPhone ?? entityId ?? dedupeKey,
    occurredAt,
    dedupeKey,
  };
  const unknown = (reason: string): EventDraft[] => [
    { ...base, type: 'unknown', entity: { type: 'unknown', id: entityId }, data: { reason } },
  ];

  if (type === 'unknown') {
    return unknown(
      sourceEventName ? `unsupported aloware event ${sourceEventName}` : 'aloware delivery without event',
    );
  }
  if (isFamily(type, 'contact')) {
    return [
      { ...base, type, entity: { type: 'contact', id: entityId }, data: toContactData(comm, timeZone) },
    ];
  }
  if (isFamily(type, 'sms')) {
    const entity = { type: 'message' as const, id: entityId };
    const data = toSmsData(comm, timeZone);
    if (type !== 'sms.received') return [{ ...base, type, entity, data }];
    const received: DraftOfType<'sms.received'> = { ...base, type, entity, data };
    return [received, ...consentFromInboundSms(received)];
  }
  if (type === 'appointment.recorded') {
    const data = toAppointmentData(comm, timeZone);
    if (!data) return unknown('appointment without id');
    return [{ ...base, type, entity: { type: 'appointment', id: data.appointmentId }, data }];
  }
  const data = isFamily(type, 'call') ? toCallData(comm, timeZone, wrapped ? payload : {}) : null;
  if (!isFamily(type, 'call') || !data) return unknown(`${sourceEventName} without call id`);
  return [{ ...base, type, entity: { type: 'call', id: data.callId }, data }];
}
