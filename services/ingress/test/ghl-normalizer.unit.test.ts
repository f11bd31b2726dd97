import { EventEnvelope } from '@df/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeGhl } from '../src/normalizers/ghl.ts';
import { normalizeGhlProvider } from '../src/normalizers/ghl-provider.ts';
import { fixedNow, ghlExample, ghlExamples, wrap } from './fixtures.ts';

const options = { now: fixedNow };

// Per page, the types of its examples in order (the pages' doc bugs included, see ghl-api.md §4.2).
const expectedTypes: Record<string, string[][]> = {
  'AppInstall.md': [['app.installed'], ['app.installed'], ['app.installed']],
  'AppUninstall.md': [['app.uninstalled'], ['app.uninstalled']],
  'AppointmentCreate.md': [['appointment.recorded']],
  'AppointmentDelete.md': [['appointment.recorded']],
  'AppointmentUpdate.md': [['appointment.recorded']],
  'ContactCreate.md': [['contact.created']],
  'ContactDelete.md': [['contact.deleted']],
  'ContactDndUpdate.md': [['contact.dnd_changed']],
  'ContactTagUpdate.md': [['contact.tags_changed']],
  'ContactUpdate.md': [['contact.updated']],
  'ConversationUnreadWebhook.md': [['unknown']],
  'InboundMessage.md': [['sms.received'], ['call.completed'], ['call.voicemail_saved'], ['unknown']],
  'NoteCreate.md': [['note.created']],
  'NoteDelete.md': [['note.deleted']],
  'NoteUpdate.md': [['note.updated']],
  'OutboundMessage.md': [['sms.sent'], ['call.completed'], ['call.voicemail_saved'], ['unknown']],
  'ProviderOutboundMessage.md': [['sms.send_requested'], ['unknown']],
};

function one(body: Record<string, unknown>) {
  const drafts = normalizeGhl(body, options);
  expect(drafts).toHaveLength(1);
  return drafts[0]!;
}

describe('normalizeGhl', () => {
  it('has an expectation for every example of every webhook page', () => {
    const examples = ghlExamples();
    const pages = [...new Set(examples.map((e) => e.file))].sort();
    expect(pages).toEqual(Object.keys(expectedTypes).sort());
    for (const page of pages) {
      expect(examples.filter((e) => e.file === page)).toHaveLength(expectedTypes[page]?.length ?? -1);
    }
  });

  it.each(ghlExamples().map((e) => [e.file, e.index, e.body] as const))(
    'normalizes %s example %i',
    (file, index, body) => {
      const drafts = normalizeGhl(body, options);
      expect(drafts.map((d) => d.type)).toEqual(expectedTypes[file]?.[index]);
      for (const draft of drafts) {
        expect(draft.tenant).toBe(body.locationId ?? body.companyId);
        expect(EventEnvelope.parse(wrap(draft, 'ghl', body))).toMatchObject(draft);
      }
    },
  );

  it('maps a created contact with lower-cased e-mail, E.164 phone, tags and custom fields', () => {
    const draft = one(ghlExample('ContactCreate.md'));
    expect(draft).toMatchObject({
      type: 'contact.created',
      sourceEventName: 'ContactCreate',
      tenant: 've9EPM428h8vShlRW1KT',
      entity: { type: 'contact', id: 'nmFmQEsNgz6AVpgLVUJ0' },
      naturalKey: '+919509597501',
      occurredAt: '2021-11-26T12:41:02.193Z',
      data: {
        ghlContactId: 'nmFmQEsNgz6AVpgLVUJ0',
        alowareContactId: null,
        firstName: 'John',
        lastName: 'Deo',
        email: 'johndeo@gmail.comm',
        phone: '+919509597501',
        address: '3535 1st St N',
        city: 'ruDolomitebika',
        state: 'AL',
        postalCode: '452001',
        country: 'DE',
        leadSource: 'xyz form',
        ownerId: 'nmFmQEsNgz6AVpgLVUJ0',
        tags: ['id magna sed Lorem', 'Duis dolor commodo aliqua'],
        dnd: true,
        customFields: [{ id: 'BcdmQEsNgz6AVpgLVUJ0', value: 'XYZ Corp' }],
        sourceCreatedAt: '2021-11-26T12:41:02.193Z',
      },
    });
  });

  it('normalizes a national-format phone', () => {
    const body = { ...ghlExample('ContactUpdate.md'), phone: '(202) 555-0142' };
    expect(one(body)).toMatchObject({ naturalKey: '+12025550142', data: { phone: '+12025550142' } });
  });

  it('maps per-channel DND settings', () => {
    const draft = one(ghlExample('ContactDndUpdate.md'));
    expect(draft.data).toMatchObject({
      dnd: true,
      dndChannels: {
        sms: 'inactive',
        call: 'inactive',
        email: 'active',
        gmb: 'active',
        fb: 'active',
        whatsapp: 'active',
      },
    });
  });

  it('dedupes on webhookId and dates an update by its delivery timestamp', () => {
    const body = {
      ...ghlExample('ContactUpdate.md'),
      webhookId: 'wh-123',
      timestamp: '2025-01-28T14:35:00Z',
    };
    expect(one(body)).toMatchObject({ dedupeKey: 'ghl:wh-123', occurredAt: '2025-01-28T14:35:00.000Z' });
    expect(one(body).data).toMatchObject({ sourceUpdatedAt: '2025-01-28T14:35:00.000Z' });
  });

  it('gives a delivery without webhookId a content key that repeats for the same body only', () => {
    const body = ghlExample('ContactUpdate.md');
    expect(one(body).dedupeKey).toBe(one(ghlExample('ContactUpdate.md')).dedupeKey);
    expect(one({ ...body, firstName: 'Jane' }).dedupeKey).not.toBe(one(body).dedupeKey);
  });

  it('takes the direction of texts from the webhook name, not the mislabelled example field', () => {
    const sent = one(ghlExample('OutboundMessage.md', 0));
    expect(sent).toMatchObject({ type: 'sms.sent', naturalKey: 'cI08i1Bls3iTB9bKgFJh' });
    expect(sent.data).toMatchObject({
      direction: 'outbound',
      body: 'This is a test message',
      status: 'delivered',
    });
  });

  it('maps an inbound text, and adds consent for a keyword body only when inbound', () => {
    const received = one(ghlExample('InboundMessage.md', 0));
    expect(received.data).toMatchObject({
      direction: 'inbound',
      ghlContactId: 'cI08i1Bls3iTB9bKgFJh',
      conversationId: 'fcanlLgpbQgQhderivVs',
      sentAt: '2021-04-21T11:31:45.750Z',
    });
    const stop = {
      ...ghlExample('InboundMessage.md', 0),
      body: 'UNSUBSCRIBE',
      from: '+12025550142',
      messageId: 'msg-1',
    };
    const drafts = normalizeGhl(stop, options);
    expect(drafts.map((d) => d.type)).toEqual(['sms.received', 'consent.opted_out']);
    expect(drafts[1]).toMatchObject({
      entity: { type: 'contact', id: 'cI08i1Bls3iTB9bKgFJh' },
      data: { phone: '+12025550142', keyword: 'UNSUBSCRIBE', ghlContactId: 'cI08i1Bls3iTB9bKgFJh' },
    });
    const outboundStop = { ...ghlExample('OutboundMessage.md', 0), body: 'STOP' };
    expect(normalizeGhl(outboundStop, options).map((d) => d.type)).toEqual(['sms.sent']);
  });

  it('maps calls, trusting the call direction field over the mislabelled example name', () => {
    const call = one(ghlExample('InboundMessage.md', 1));
    expect(call).toMatchObject({
      sourceEventName: 'OutboundMessage',
      entity: { type: 'call', id: 'tyW42xCD0HQpb3hhfLcx' },
    });
    expect(call.data).toMatchObject({
      direction: 'inbound',
      durationSeconds: 120,
      recordingUrl: 'call recording url',
      agent: { id: 'xsmF1xxhmC92ZpL1lj7aLa', name: null, email: null },
      startedAt: '2024-05-08T11:57:42.250Z',
    });
    const voicemail = one(ghlExample('InboundMessage.md', 2));
    expect(voicemail.data).toMatchObject({
      direction: 'inbound',
      voicemailUrl: 'voicemail url',
      recordingUrl: null,
    });
    const drop = one(ghlExample('OutboundMessage.md', 2));
    expect(drop.data).toMatchObject({ direction: 'outbound', voicemailUrl: 'voicemail url' });
  });

  it('maps an unanswered inbound call as missed', () => {
    const body = { ...ghlExample('InboundMessage.md', 1), type: 'InboundMessage', callStatus: 'no-answer' };
    expect(one(body).type).toBe('call.missed');
  });

  it('maps notes', () => {
    expect(one(ghlExample('NoteCreate.md'))).toMatchObject({
      entity: { type: 'note', id: 'otg8dTQqGLh3Q6iQI55w' },
      naturalKey: 'CWBf1PR9LvvBkcYqiXlc',
      occurredAt: '2021-11-26T12:41:02.193Z',
      data: { noteId: 'otg8dTQqGLh3Q6iQI55w', ghlContactId: 'CWBf1PR9LvvBkcYqiXlc', body: 'Loram ipsum' },
    });
  });

  it('maps appointments with UTC times, reading the action from the event name', () => {
    const created = one(ghlExample('AppointmentCreate.md'));
    expect(created).toMatchObject({
      entity: { type: 'appointment', id: '0007BWpSzSwfiuSl0tR2' },
      naturalKey: '9NkT25Vor1v4aQatFsv2',
      data: {
        action: 'created',
        title: 'Appointment with GHL Dev team',
        status: 'confirmed',
        calendarId: 'BqTwX8QFwXzpegMve9EQ',
        ghlContactId: '9NkT25Vor1v4aQatFsv2',
        startTime: '2023-09-25T10:30:00.000Z',
        location: 'https://example.com/meeting',
      },
    });
    // The Update and Delete pages' examples say "AppointmentCreate" (doc bug); real deliveries do not.
    expect(one({ ...ghlExample('AppointmentUpdate.md'), type: 'AppointmentUpdate' }).data).toMatchObject({
      action: 'updated',
    });
    expect(one({ ...ghlExample('AppointmentDelete.md'), type: 'AppointmentDelete' }).data).toMatchObject({
      action: 'deleted',
    });
  });

  it('maps the provider delivery webhook to a send request', () => {
    const draft = one(ghlExample('ProviderOutboundMessage.md', 0));
    expect(draft).toMatchObject({
      type: 'sms.send_requested',
      sourceEventName: 'ProviderOutboundMessage',
      tenant: 'GKAWb4yu7A4LSc0skQ6g',
      entity: { type: 'message', id: 'GKJxs4P5L8dWc5CFUITM' },
      naturalKey: '+15864603685',
      occurredAt: '2026-03-02T15:04:06.000Z',
      data: {
        to: '+15864603685',
        contactPhone: '+15864603685',
        body: 'The text message to be sent to the contact',
        direction: 'outbound',
        agentId: 'GK56r6wdJDrkUPd0xsmx',
        ghlContactId: 'GKBhT6BfwY9mjzXAU3sq',
      },
    });
    expect(draft.data).toMatchObject({ mediaUrls: [expect.stringContaining('googlelogo')] });
    // No timestamp or webhookId: the message id is the delivery's identity, for good.
    expect(draft.dedupeKey).toBe('ghl-provider:GKJxs4P5L8dWc5CFUITM');
  });

  it('maps an extra SMS provider\'s "Custom" delivery to a send request too', () => {
    const draft = one({ ...ghlExample('ProviderOutboundMessage.md', 0), type: 'Custom' });
    expect(draft).toMatchObject({ type: 'sms.send_requested', data: { to: '+15864603685' } });
  });

  it('records provider e-mail (Email, or Custom carrying e-mail) as unsupported, not refused', () => {
    const email = ghlExample('ProviderOutboundMessage.md', 1);
    expect(one(email)).toMatchObject({
      type: 'unknown',
      sourceEventName: 'ProviderOutboundMessage',
      tenant: 'GKifVDyQeo7nwe27vMP0',
      entity: { type: 'unknown', id: 'GK56r6wdJDrkUPd0xsmx' },
      dedupeKey: 'ghl-provider:GK56r6wdJDrkUPd0xsmx',
      data: { reason: 'unsupported provider channel Email: e-mail is not delivered by this middleware' },
    });
    expect(one({ ...email, type: 'Custom' })).toMatchObject({
      type: 'unknown',
      data: { reason: expect.stringContaining('unsupported provider channel Custom') },
    });
  });

  it('refuses, on the provider route, what is not a provider delivery', () => {
    const sms = ghlExample('ProviderOutboundMessage.md', 0);
    expect(() => normalizeGhlProvider({ ...sms, type: 'ProviderOutboundMessage' }, fixedNow)).toThrow(
      'expected a provider delivery of type SMS, Email, Custom',
    );
    expect(() => normalizeGhlProvider({ ...sms, messageId: ' ' }, fixedNow)).toThrow('without messageId');
    expect(() => normalizeGhlProvider(ghlExample('ContactUpdate.md'), fixedNow)).toThrow();
  });

  it("maps the app's install and uninstall, location-level and agency-level", () => {
    expect(one(ghlExample('AppUninstall.md', 0))).toMatchObject({
      type: 'app.uninstalled',
      tenant: 'otg8dTQqGLh3Q6iQI55w',
      naturalKey: 'app:ve9EPM428h8vShlRW1KT',
      entity: { type: 'app', id: 've9EPM428h8vShlRW1KT' },
      data: { appId: 've9EPM428h8vShlRW1KT', locationId: 'otg8dTQqGLh3Q6iQI55w', companyId: null },
    });
    expect(one(ghlExample('AppUninstall.md', 1))).toMatchObject({
      type: 'app.uninstalled',
      data: { locationId: null, companyId: 'otg8dTQqGLh3Q6iQI55w' },
    });
    expect(one(ghlExample('AppInstall.md', 0))).toMatchObject({
      type: 'app.installed',
      data: { appId: 've9EPM428h8vShlRW1KT', locationId: 'otg8dTQqGLh3Q6iQI55w' },
    });
  });

  it('turns unsupported events into unknown events, never a throw', () => {
    expect(one(ghlExample('ConversationUnreadWebhook.md'))).toMatchObject({
      type: 'unknown',
      entity: { type: 'unknown', id: 'MzKIpg0rEIH2ZUGKf6BS' },
      data: { reason: 'unsupported ghl event ConversationUnreadUpdate' },
    });
    expect(one({ foo: 'bar' })).toMatchObject({
      type: 'unknown',
      tenant: 'unknown',
      data: { reason: 'ghl event without type' },
    });
    expect(normalizeGhl({ type: 'TaskCreate' }, { ...options, defaultTenant: 'loc-9' })[0]?.tenant).toBe(
      'loc-9',
    );
  });

  it.each([null, 'ContactCreate', 7, []])('throws on a non-object body %j', (body) => {
    expect(() => normalizeGhl(body)).toThrow('ghl webhook body must be a JSON object');
  });
});
