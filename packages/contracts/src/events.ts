import { z } from 'zod';
import { AppLifecycleData } from './app.ts';
import { AppointmentData, UnknownData } from './appointment.ts';
import { CallData } from './call.ts';
import { ContactData } from './contact.ts';
import { ConsentData, SmsData } from './messaging.ts';
import { NoteData } from './note.ts';
import { type EntityType, EventSource, IsoDateTime, Tenant } from './scalars.ts';

function defineEvent<const T extends string, const E extends EntityType, D extends z.ZodType>(
  type: T,
  entityType: E,
  data: D,
) {
  const normalized = {
    type: z.literal(type),
    /** The tool's own event name, e.g. `OutboundPhoneCall-DispositionCompleted`. */
    sourceEventName: z.string(),
    /** GHL locationId, Aloware company id or texting account. */
    tenant: Tenant,
    entity: z.object({ type: z.literal(entityType), id: z.string().min(1).nullable() }),
    /** E.164 phone of the person when known, else a source id; with the tenant it is the record key. */
    naturalKey: z.string().min(1),
    /** The source's time for the fact, not the time we heard of it. */
    occurredAt: IsoDateTime,
    /** Same delivery twice gives the same key. */
    dedupeKey: z.string().min(1),
    data,
  };
  const draft = z.object(normalized);
  const envelope = z.object({
    id: z.uuid(),
    ...normalized,
    source: EventSource,
    receivedAt: IsoDateTime,
    correlationId: z.string().min(1),
    /** The webhook body exactly as received, kept for replay. */
    raw: z.unknown(),
    /** Present on a snapshot an upstream backfill published (not a webhook): the run that read it. */
    backfill: z.object({ runId: z.string().min(1) }).optional(),
  });
  return { type, draft, envelope };
}

const definitions = [
  defineEvent('contact.created', 'contact', ContactData),
  defineEvent('contact.updated', 'contact', ContactData),
  defineEvent('contact.deleted', 'contact', ContactData),
  defineEvent('contact.dnd_changed', 'contact', ContactData),
  defineEvent('contact.tags_changed', 'contact', ContactData),
  defineEvent('note.created', 'note', NoteData),
  defineEvent('note.updated', 'note', NoteData),
  defineEvent('note.deleted', 'note', NoteData),
  defineEvent('call.initiated', 'call', CallData),
  defineEvent('call.completed', 'call', CallData),
  defineEvent('call.missed', 'call', CallData),
  defineEvent('call.failed', 'call', CallData),
  defineEvent('call.disposed', 'call', CallData),
  defineEvent('call.recording_saved', 'call', CallData),
  defineEvent('call.voicemail_saved', 'call', CallData),
  defineEvent('call.transcription_saved', 'call', CallData),
  defineEvent('call.summarized', 'call', CallData),
  defineEvent('sms.received', 'message', SmsData),
  defineEvent('sms.sent', 'message', SmsData),
  defineEvent('sms.delivered', 'message', SmsData),
  defineEvent('sms.failed', 'message', SmsData),
  // GHL asked its conversation provider (us) to send an agent's text: a request, not yet a sent message.
  defineEvent('sms.send_requested', 'message', SmsData),
  defineEvent('consent.opted_out', 'contact', ConsentData),
  defineEvent('consent.opted_in', 'contact', ConsentData),
  defineEvent('consent.help_requested', 'contact', ConsentData),
  defineEvent('appointment.recorded', 'appointment', AppointmentData),
  // The GHL marketplace app's lifecycle: an uninstall makes the location's OAuth tokens unusable.
  defineEvent('app.installed', 'app', AppLifecycleData),
  defineEvent('app.uninstalled', 'app', AppLifecycleData),
  defineEvent('unknown', 'unknown', UnknownData),
] as const;

type Definitions = typeof definitions;
// Mapped over the tuple (generic, so it stays a tuple) to keep each member's literal type; `.map` widens it.
type Pluck<T extends readonly unknown[], P extends 'draft' | 'envelope'> = {
  -readonly [K in keyof T]: T[K] extends Record<P, infer S> ? S : never;
};
type Drafts = Pluck<Definitions, 'draft'>;
type Envelopes = Pluck<Definitions, 'envelope'>;

export const EVENT_TYPES = definitions.map((d) => d.type) as Definitions[number]['type'][];

/** What a normalizer returns: the envelope minus what ingress adds (id, source, receivedAt, correlationId, raw). */
export const EventDraft = z.discriminatedUnion('type', definitions.map((d) => d.draft) as unknown as Drafts);
export type EventDraft = z.infer<typeof EventDraft>;

/** Every record on the source topics. */
export const EventEnvelope = z.discriminatedUnion(
  'type',
  definitions.map((d) => d.envelope) as unknown as Envelopes,
);
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export type EventType = EventEnvelope['type'];
export type EventOfType<T extends EventType> = Extract<EventEnvelope, { type: T }>;
export type DraftOfType<T extends EventType> = Extract<EventDraft, { type: T }>;

export type EnvelopeMeta = Pick<EventEnvelope, 'id' | 'source' | 'receivedAt' | 'correlationId' | 'raw'>;

export function toEnvelope<D extends EventDraft>(draft: D, meta: EnvelopeMeta): EventOfType<D['type']> {
  const { id, source, receivedAt, correlationId, raw } = meta;
  return { id, ...draft, source, receivedAt, correlationId, raw } as unknown as EventOfType<D['type']>;
}

/** Kafka record key: every event about one person of one tenant lands in one partition, in order. */
export function recordKey(event: Pick<EventEnvelope, 'tenant' | 'naturalKey'>): string {
  return `${event.tenant}:${event.naturalKey}`;
}
