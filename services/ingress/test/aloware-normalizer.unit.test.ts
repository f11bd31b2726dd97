import { EventEnvelope } from '@df/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeAloware } from '../src/normalizers/aloware.ts';
import { toUtcIso } from '../src/normalizers/time.ts';
import { alowareFixture, alowareFixtureFiles, fixedNow, wrap } from './fixtures.ts';

const NY = { timeZone: 'America/New_York', now: fixedNow };

function only<T extends string>(file: string, type: T, options = NY) {
  const drafts = normalizeAloware(alowareFixture(file), options);
  expect(drafts.map((d) => d.type)).toEqual([type]);
  const [draft] = drafts;
  if (draft?.type !== type) throw new Error('unreachable');
  return draft as Extract<(typeof drafts)[number], { type: T }>;
}

const expectedTypes: Record<string, string[]> = {
  'appointment-saved.json': ['appointment.recorded'],
  'call-disposed.json': ['call.disposed'],
  'call-summarized.json': ['call.summarized'],
  'contact-created.json': ['contact.created'],
  'contact-disposed.json': ['contact.updated'],
  'contact-dnc-updated.json': ['contact.dnd_changed'],
  'contact-updated.json': ['contact.updated'],
  'inbound-call-completed.json': ['call.completed'],
  'inbound-call-initiated.json': ['call.initiated'],
  'inbound-call-missed.json': ['call.missed'],
  'outbound-call-completed.json': ['call.completed'],
  'outbound-call-failed.json': ['call.failed'],
  'outbound-call-initiated.json': ['call.initiated'],
  'recording-saved.json': ['call.recording_saved'],
  'sms-failed.json': ['sms.failed'],
  'sms-received.json': ['sms.received'],
  'sms-sent.json': ['sms.sent'],
  'test-payload.json': [],
  'transcription-open-search-saved.json': ['call.transcription_saved'],
  'transcription-saved.json': ['call.transcription_saved'],
  'voicemail-saved.json': ['call.voicemail_saved'],
};

describe('normalizeAloware', () => {
  it('has an expectation for every shared fixture', () => {
    expect(alowareFixtureFiles().sort()).toEqual(Object.keys(expectedTypes).sort());
  });

  it.each(Object.entries(expectedTypes))('normalizes %s to %j', (file, types) => {
    const drafts = normalizeAloware(alowareFixture(file), NY);
    expect(drafts.map((d) => d.type)).toEqual(types);
    for (const draft of drafts) {
      expect(draft.tenant).toBe('7001');
      expect(draft.naturalKey).toBe('+12025550142');
      expect(draft.sourceEventName).toBe(alowareFixture(file).event);
      expect(EventEnvelope.parse(wrap(draft, 'aloware', alowareFixture(file)))).toMatchObject(draft);
    }
  });

  it('maps an answered outbound call with its agent, times and recording', () => {
    const call = only('outbound-call-completed.json', 'call.completed');
    expect(call.entity).toEqual({ type: 'call', id: '940868601' });
    expect(call.occurredAt).toBe('2026-01-15T23:04:08.000Z');
    expect(call.data).toMatchObject({
      callId: '940868601',
      alowareContactId: '155091901',
      contactPhone: '+12025550142',
      linePhone: '+12025550100',
      lineId: '63901',
      direction: 'outbound',
      status: 'completed',
      dispositionStatus: 'completed',
      disposition: 'Call back',
      dispositionId: '31205',
      durationSeconds: 65,
      talkTimeSeconds: 63,
      waitTimeSeconds: 2,
      agent: { id: '120701', name: 'Grace Example', email: 'grace.example@example.com' },
      origin: 'power_dialer',
      startedAt: '2026-01-15T23:02:58.000Z',
      recordingUrl: 'https://app.aloware.io/static/recording/5d1e2f3a-4b5c-4d6e-8f70-81a2b3c4d5e6',
      csatScore: 0,
    });
    expect(call.data.contact).toMatchObject({
      alowareContactId: '155091901',
      email: 'ada.example@example.com',
    });
  });

  it('reads zone-less timestamps as UTC unless told otherwise', () => {
    const call = only('outbound-call-completed.json', 'call.completed', { now: fixedNow } as typeof NY);
    expect(call.occurredAt).toBe('2026-01-15T18:04:08.000Z');
    const pacific = only('outbound-call-completed.json', 'call.completed', {
      ...NY,
      timeZone: 'America/Los_Angeles',
    });
    expect(pacific.occurredAt).toBe('2026-01-16T02:04:08.000Z');
  });

  it('maps call initiation without agent or disposition', () => {
    const call = only('inbound-call-initiated.json', 'call.initiated');
    expect(call.data).toMatchObject({
      direction: 'inbound',
      status: 'greeting',
      agent: null,
      disposition: null,
    });
    expect(call.data.recordingUrl).toBeNull();
  });

  it('maps missed, failed and voicemail calls', () => {
    expect(only('inbound-call-missed.json', 'call.missed').data.dispositionStatus).toBe('missed');
    expect(only('outbound-call-failed.json', 'call.failed').data).toMatchObject({
      waitTimeSeconds: 30,
      agent: null,
    });
    const voicemail = only('voicemail-saved.json', 'call.voicemail_saved');
    expect(voicemail.data).toMatchObject({
      direction: 'inbound',
      voicemailDurationSeconds: 21,
      dispositionStatus: 'voicemail',
    });
    expect(voicemail.occurredAt).toBe('2026-01-16T13:15:50.000Z');
  });

  it('takes the call out of transcription wrappers, with transcript and summary', () => {
    const summarized = only('call-summarized.json', 'call.summarized');
    expect(summarized.entity.id).toBe('940868601');
    expect(summarized.data.summary).toContain('### Call Summary');
    expect(summarized.occurredAt).toBe('2026-01-15T23:04:50.000Z');
    const saved = only('transcription-saved.json', 'call.transcription_saved');
    expect(saved.data.transcription).toBe(
      'AGENT: Hi Ada, this is Grace from Example Capital.\nCONTACT: Hi Grace, thanks for calling back.',
    );
    const openSearch = only('transcription-open-search-saved.json', 'call.transcription_saved');
    expect(openSearch.data.transcription).toBe(saved.data.transcription);
  });

  it('maps the contact object with its cnam_* address, tags and custom fields', () => {
    const created = only('contact-created.json', 'contact.created');
    expect(created.entity).toEqual({ type: 'contact', id: '155091901' });
    expect(created.occurredAt).toBe('2026-01-10T19:22:05.000Z');
    expect(created.data).toMatchObject({
      alowareContactId: '155091901',
      firstName: 'Ada',
      lastName: 'Example',
      email: 'ada.example@example.com',
      phone: '+12025550142',
      city: 'Washington',
      state: 'DC',
      postalCode: '20001',
      country: 'US',
      timezone: 'America/New_York',
      leadSource: 'Google Ads',
      ownerId: '120701',
      tags: ['Webinar 2026'],
      dnd: false,
      optedOut: false,
      sourceCreatedAt: '2026-01-10T19:22:05.000Z',
    });
    const withCustom = alowareFixture('contact-created.json');
    (withCustom.body as Record<string, unknown>).investor_tier = 'gold';
    const [draft] = normalizeAloware(withCustom, NY);
    expect(draft?.data).toMatchObject({ customFields: [{ id: 'investor_tier', value: 'gold' }] });
  });

  it('lower-cases and trims e-mails', () => {
    const delivery = alowareFixture('contact-updated.json');
    (delivery.body as Record<string, unknown>).email = '  Ada.E@Example.COM ';
    const [draft] = normalizeAloware(delivery, NY);
    expect(draft?.data).toMatchObject({ email: 'ada.e@example.com', city: 'Arlington', state: 'VA' });
  });

  it('uses the injected clock when a contact event carries no time of its own', () => {
    expect(only('contact-updated.json', 'contact.updated').occurredAt).toBe('2026-03-02T15:04:06.000Z');
    expect(only('contact-dnc-updated.json', 'contact.dnd_changed').data.dnd).toBe(true);
    expect(only('contact-disposed.json', 'contact.updated').data.dispositionStatusId).toBe('31207');
  });

  it('maps texts in both directions and their failures', () => {
    const received = only('sms-received.json', 'sms.received');
    expect(received.data).toMatchObject({
      messageId: '941089101',
      from: '+12025550142',
      to: '+12025550100',
      contactPhone: '+12025550142',
      body: 'Yes, Tuesday at 3pm works for me.',
      direction: 'inbound',
      error: null,
    });
    const sent = only('sms-sent.json', 'sms.sent');
    expect(sent.data).toMatchObject({
      from: '+12025550100',
      to: '+12025550142',
      status: 'delivered',
      agentId: '120701',
    });
    const failed = only('sms-failed.json', 'sms.failed');
    expect(failed.data.error).toEqual({ code: '7', message: 'invalid' });
  });

  it('adds a consent event to an inbound keyword text, and only to a whole-message one', () => {
    const stop = alowareFixture('sms-received.json');
    (stop.body as Record<string, unknown>).body = 'stop ';
    const drafts = normalizeAloware(stop, NY);
    expect(drafts.map((d) => d.type)).toEqual(['sms.received', 'consent.opted_out']);
    expect(drafts[1]).toMatchObject({
      entity: { type: 'contact', id: '155091901' },
      naturalKey: '+12025550142',
      data: { phone: '+12025550142', keyword: 'STOP', channel: 'sms', messageId: '941089101' },
    });
    expect(new Set(drafts.map((d) => d.dedupeKey)).size).toBe(2);

    (stop.body as Record<string, unknown>).body = 'Stop please';
    expect(normalizeAloware(stop, NY).map((d) => d.type)).toEqual(['sms.received']);
    // An agent's outbound "Reply STOP" text is not the contact opting out.
    expect(normalizeAloware(alowareFixture('sms-sent.json'), NY).map((d) => d.type)).toEqual(['sms.sent']);
  });

  it('maps an appointment', () => {
    const appointment = only('appointment-saved.json', 'appointment.recorded');
    expect(appointment.data).toMatchObject({
      appointmentId: '940968001',
      action: 'created',
      title: 'Call back: portfolio review',
      status: 'appointment-set',
      contactPhone: '+12025550142',
    });
  });

  it.each(['Contact Created', 'contact.created', 'ContactCreated', 'CONTACT_CREATED'])(
    'matches the event name %j whatever its spelling',
    (event) => {
      const delivery = { ...alowareFixture('contact-created.json'), event };
      expect(normalizeAloware(delivery, NY).map((d) => d.type)).toEqual(['contact.created']);
    },
  );

  it('falls back on the communication type and direction for generic names', () => {
    const sms = { ...alowareFixture('sms-received.json'), event: 'Communication Disposed' };
    expect(normalizeAloware(sms, NY).map((d) => d.type)).toEqual(['sms.received']);
    const call = { ...alowareFixture('inbound-call-missed.json'), event: 'communication-disposed' };
    expect(normalizeAloware(call, NY).map((d) => d.type)).toEqual(['call.missed']);
  });

  it('turns an unknown event into an unknown event', () => {
    const delivery = { ...alowareFixture('outbound-call-completed.json'), event: 'Quantum-Entangled' };
    const [draft, ...rest] = normalizeAloware(delivery, NY);
    expect(rest).toEqual([]);
    expect(draft).toMatchObject({
      type: 'unknown',
      sourceEventName: 'Quantum-Entangled',
      entity: { type: 'unknown', id: '940868601' },
      naturalKey: '+12025550142',
      data: { reason: 'unsupported aloware event Quantum-Entangled' },
    });
    expect(normalizeAloware({ something: 1 }, { defaultTenant: 'acme', now: fixedNow })).toMatchObject([
      { type: 'unknown', tenant: 'acme', data: { reason: 'aloware delivery without event' } },
    ]);
  });

  it('answers the test ping with nothing', () => {
    expect(normalizeAloware({ test_payload: true })).toEqual([]);
  });

  it.each([null, 'text', 42, [{ event: 'Contact-Created' }]])('throws on a non-object body %j', (body) => {
    expect(() => normalizeAloware(body)).toThrow('aloware webhook body must be a JSON object');
  });

  it('gives the same delivery the same dedupe key, and different deliveries different keys', () => {
    const keys = (file: string) => normalizeAloware(alowareFixture(file), NY).map((d) => d.dedupeKey);
    expect(keys('contact-updated.json')).toEqual(keys('contact-updated.json'));
    expect(keys('outbound-call-completed.json')).toEqual(keys('outbound-call-completed.json'));
    const all = Object.keys(expectedTypes).flatMap(keys);
    expect(new Set(all).size).toBe(all.length);
  });

  it('falls back on the default tenant without a company id', () => {
    const delivery = alowareFixture('contact-created.json');
    const body = delivery.body as Record<string, unknown>;
    delete body.company_id;
    expect(normalizeAloware(delivery, { ...NY, defaultTenant: 'acme' })[0]?.tenant).toBe('acme');
  });
});

describe('toUtcIso', () => {
  it.each([
    ['2026-01-15 18:04:08', 'America/New_York', '2026-01-15T23:04:08.000Z'],
    ['2026-07-01 12:00:00', 'America/New_York', '2026-07-01T16:00:00.000Z'],
    ['2026-07-01 12:00:00', 'UTC', '2026-07-01T12:00:00.000Z'],
    ['2026-03-08 03:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-11-01 00:30:00', 'America/New_York', '2026-11-01T04:30:00.000Z'],
    ['2026-11-01 03:00:00', 'America/New_York', '2026-11-01T08:00:00.000Z'],
    ['2026-01-15 18:04:08', 'Asia/Kolkata', '2026-01-15T12:34:08.000Z'],
    ['2023-09-25T16:00:00+05:30', 'America/New_York', '2023-09-25T10:30:00.000Z'],
    ['2021-04-21T11:31:45.750Z', 'America/New_York', '2021-04-21T11:31:45.750Z'],
  ])('reads %j in %s as %s', (value, zone, expected) => {
    expect(toUtcIso(value, zone)).toBe(expected);
  });

  it.each([null, '', 'yesterday', 1700000000, '2026-13-45 99:00:00'])('rejects %j', (value) => {
    expect(toUtcIso(value)).toBeNull();
  });
});
