/**
 * The Aloware contract fixtures (copied verbatim from `shared/contracts/aloware/`), used as templates: every
 * payload the simulator emits is a deep copy of the matching fixture with its values replaced, so key names,
 * key order and value types stay exactly those of the fixtures.
 */
import { readFileSync } from 'node:fs';

export type JsonObject = Record<string, unknown>;

function load(name: string): JsonObject {
  return JSON.parse(
    readFileSync(new URL(`../../contracts/aloware/${name}`, import.meta.url), 'utf8'),
  ) as JsonObject;
}

/** Webhook fixture files by the `event` they carry (the test ping has none). */
export const WEBHOOK_FIXTURE_FILES = {
  'Contact-Created': 'contact-created.json',
  'Contact-Updated': 'contact-updated.json',
  'Contact-Disposed': 'contact-disposed.json',
  'Contact-DNC-Updated': 'contact-dnc-updated.json',
  OutboundPhoneCall: 'outbound-call-initiated.json',
  'OutboundPhoneCall-DispositionCompleted': 'outbound-call-completed.json',
  'OutboundPhoneCall-DispositionFailed': 'outbound-call-failed.json',
  InboundPhoneCall: 'inbound-call-initiated.json',
  'InboundPhoneCall-DispositionCompleted': 'inbound-call-completed.json',
  'InboundPhoneCall-DispositionMissed': 'inbound-call-missed.json',
  'Call-Disposed': 'call-disposed.json',
  'Recording-Saved': 'recording-saved.json',
  'Voicemail-Saved': 'voicemail-saved.json',
  'Transcription-Saved': 'transcription-saved.json',
  'transcription.call.summarized': 'call-summarized.json',
  'transcription.open_search.saved': 'transcription-open-search-saved.json',
  'InboundSMS-DispositionCompleted': 'sms-received.json',
  'OutboundSMS-DispositionCompleted': 'sms-sent.json',
  'OutboundSMS-DispositionInvalid': 'sms-failed.json',
  OutboundAppointment: 'appointment-saved.json',
} as const;

export type FixtureEvent = keyof typeof WEBHOOK_FIXTURE_FILES;

const cache = new Map<string, JsonObject>();

/** The fixture envelope `{ body, event }` for an event (cached; callers get a deep copy). */
export function fixtureEnvelope(event: FixtureEvent): JsonObject {
  const file = WEBHOOK_FIXTURE_FILES[event];
  let value = cache.get(file);
  if (!value) {
    value = load(file);
    cache.set(file, value);
  }
  return structuredClone(value);
}

/** The `body` of a fixture (deep copy). */
export function fixtureBody(event: FixtureEvent): JsonObject {
  return fixtureEnvelope(event).body as JsonObject;
}

/** A REST example file from `fixtures/api/` (deep copy). */
export function apiFixture(name: string): JsonObject {
  return load(`api/${name}`);
}

/** Absolute path of a fixture file (for tests that compare against the originals). */
export function fixturePath(file: string): string {
  return new URL(`../../contracts/aloware/${file}`, import.meta.url).pathname;
}
