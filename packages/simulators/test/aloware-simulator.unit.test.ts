import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlowareSimulator,
  alowareFixturePath as fixturePath,
  startAlowareSimulator,
  ALOWARE_WEBHOOK_FIXTURE_FILES as WEBHOOK_FIXTURE_FILES,
} from '../src/aloware/index.ts';
import { type ReceivedRequest, type Receiver, shapeDiff, startReceiver } from './aloware-receiver.ts';

const TOKEN = 'sim-token-123';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

let sim: AlowareSimulator;
let receiver: Receiver;

async function api(
  path: string,
  init: { method?: string; query?: Record<string, string>; body?: unknown } = {},
) {
  const url = new URL(`${sim.apiUrl}${path}`);
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
}

const post = (path: string, body: Record<string, unknown>) =>
  api(path, { body: { api_token: TOKEN, ...body } });
const get = (path: string, query: Record<string, string> = {}) =>
  api(path, { query: { api_token: TOKEN, ...query } });

function fixtureFor(event: keyof typeof WEBHOOK_FIXTURE_FILES) {
  // Compare against the fixture file on disk (a copy of shared/contracts/aloware).
  return JSON.parse(readFileSync(fixturePath(WEBHOOK_FIXTURE_FILES[event]), 'utf8')) as {
    body: Record<string, unknown>;
    event: string;
  };
}

function envelope(r: ReceivedRequest) {
  return r.json as { body: Record<string, unknown>; event: string };
}

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await startAlowareSimulator({
    apiToken: TOKEN,
    webhookUrl: receiver.url,
    webhookAuth: { type: 'basic', username: 'aloware', password: 's3cret' },
  });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe('Lead API /webhook/forms', () => {
  it('creates (201), refuses an existing number without force_update (409) and updates with it (200)', async () => {
    for (const id of [500, 501]) sim.createList({ id, name: `List ${id}` });
    const created = await post('/forms', {
      phone_number: '2025550142',
      first_name: 'Ada',
      last_name: 'Example',
      email: 'ada@example.com',
      city: 'Washington',
      state: 'DC',
      zipcode: '20001',
      country: 'US',
      user_id: '120701',
      tags: 'Webinar 2026,Hot Lead',
      list_ids: '500,501',
      add_to_powerdialer: 1,
      investor_tier: 'gold',
    });
    expect(created).toMatchObject({ status: 201, json: { message: 'Contact created.' } });

    const again = await post('/forms', { phone_number: '+12025550142', first_name: 'Ada2' });
    expect(again).toMatchObject({ status: 409, json: { message: 'Contact already exists.' } });
    expect(sim.contact('+12025550142')?.first_name).toBe('Ada');

    const updated = await post('/forms', {
      phone_number: '(202) 555-0142',
      first_name: 'Adaline',
      email: '',
      is_dnc: 1,
      force_update: true,
    });
    expect(updated).toMatchObject({ status: 200, json: { message: 'Contact updated.' } });

    const contact = sim.contact('2025550142');
    expect(contact).toMatchObject({
      phone_number: '+12025550142',
      first_name: 'Adaline',
      last_name: 'Example',
      name: 'Adaline Example',
      email: 'ada@example.com', // an empty value does not erase a filled one
      cnam_city: 'Washington',
      cnam_state: 'DC',
      cnam_zipcode: '20001',
      cnam_country: 'US',
      user_id: 120701,
      is_dnc: true,
      intake_source: 'form-capture',
      investor_tier: 'gold',
    });
    expect(contact?.tags.map((t) => t.name)).toEqual(['Webinar 2026', 'Hot Lead']);
    expect(typeof contact?.tags[0]?.id).toBe('number');
    const lists = sim.lists();
    expect(lists.filter((l) => l.contactIds.includes(contact!.id)).map((l) => l.id)).toEqual(
      expect.arrayContaining([500, 501]),
    );
    expect(lists.find((l) => l.userId === 120701)?.contactIds).toEqual([contact!.id]);

    await sim.idle();
    expect(receiver.received.map((r) => envelope(r).event)).toEqual([
      'Contact-Created',
      'Contact-Updated',
      'Contact-DNC-Updated',
    ]);
    const last = envelope(receiver.received[2]!);
    expect(last.body.is_dnc).toBe(true);
  });

  it('answers 400 for a missing or invalid phone number', async () => {
    expect(await post('/forms', { first_name: 'X' })).toMatchObject({
      status: 400,
      json: { error: 'Phone number is empty or invalid.' },
    });
    expect(await post('/forms', { phone_number: '12' })).toMatchObject({ status: 400 });
  });

  it('puts a contact at the top of a list with powerdialer_position top', async () => {
    sim.createList({ id: 700, name: 'Callbacks' });
    await post('/forms', { phone_number: '2025550150', list_ids: '700' });
    await post('/forms', { phone_number: '2025550151', list_ids: '700', powerdialer_position: 'top' });
    const list = sim.lists().find((l) => l.id === 700)!;
    expect(list.contactIds).toEqual([sim.contact('2025550151')!.id, sim.contact('2025550150')!.id]);
  });

  it('refuses a list id it has never seen (lists are made in the UI) with 422, saving nothing', async () => {
    sim.createList({ id: 700, name: 'Callbacks' });
    const refused = await post('/forms', {
      phone_number: '2025550152',
      first_name: 'Ida',
      list_ids: '700,701',
    });
    expect(refused).toMatchObject({
      status: 422,
      json: { errors: { list_ids: ['The selected list ids is invalid.'] } },
    });
    expect(sim.contact('2025550152')).toBeUndefined();
    expect(sim.lists().find((l) => l.id === 700)?.contactIds).toEqual([]);
  });
});

describe('contact lookup by phone', () => {
  it('returns the contact object with cnam_* fields, 404 and 400 per the doc', async () => {
    await post('/forms', { phone_number: '2025550142', first_name: 'Ada', city: 'Washington', state: 'DC' });
    const found = await get('/contact/phone-number', { phone_number: '2025550142' });
    expect(found.status).toBe(200);
    const body = found.json as Record<string, unknown>;
    expect(shapeDiff(body, fixtureFor('Contact-Created').body)).toEqual([]);
    expect(body).toMatchObject({ phone_number: '+12025550142', cnam_city: 'Washington', cnam_state: 'DC' });
    expect(body).not.toHaveProperty('city');
    expect(typeof body.id).toBe('number');
    expect(body.created_at).toMatch(TIMESTAMP);

    expect(await get('/contact/phone-number', { phone_number: '2025550199' })).toMatchObject({
      status: 404,
      json: { error: 'Contact not found.' },
    });
    expect(await get('/contact/phone-number', { phone_number: '' })).toMatchObject({
      status: 400,
      json: { error: 'Phone number is empty or invalid.' },
    });
  });
});

describe('authentication and unknown routes', () => {
  it('takes api_token from the query on GET and the body on POST; 401 otherwise; ignores Authorization', async () => {
    expect((await api('/users', { query: { api_token: 'wrong' } })).status).toBe(401);
    expect((await api('/users')).status).toBe(401);
    expect((await api('/forms', { body: { phone_number: '2025550142' } })).status).toBe(401);
    const bearerOnly = await fetch(`${sim.apiUrl}/two-legged-call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 120701, contact_phone_number: '+12025550142', line_id: 63901 }),
    });
    expect(bearerOnly.status).toBe(401);
    // The token may also come in the query of a POST (the real one accepts both).
    const viaQuery = await api('/forms', {
      query: { api_token: TOKEN },
      body: { phone_number: '2025550142' },
    });
    expect(viaQuery.status).toBe(201);
    // The request log never keeps the token.
    expect(JSON.stringify(sim.requests)).not.toContain(TOKEN);
  });

  it('answers an undocumented GET with 200 HTML and an undocumented POST with 405', async () => {
    const html = await api('/calls', { query: { api_token: TOKEN } });
    expect(html.status).toBe(200);
    expect(html.contentType).toContain('text/html');
    expect(html.text.startsWith('<!DOCTYPE html>')).toBe(true);
    const other = await fetch(`${sim.url}/api/v1/communications`);
    expect(other.status).toBe(200);
    expect((await post('/powerdialer-add-contact-to-lists', { contact_id: 1 })).status).toBe(405);
  });
});

describe('SMS, power dialer, sequences, users, two-legged call', () => {
  it('accepts an SMS with 202 and reports the outcome later as an OutboundSMS-Disposition* webhook', async () => {
    await post('/forms', { phone_number: '2025550142', user_id: 120701 });
    const sent = await post('/sms-gateway/send', {
      from: '+12025550100',
      to: '2025550142',
      message: 'Hello there',
    });
    expect(sent).toMatchObject({ status: 202, json: { message: 'Message sent.' } });
    sim.failSmsTo('2025550142');
    const failing = await post('/sms-gateway/send', {
      line_id: 63901,
      to: '2025550142',
      message: 'Again',
      user_id: -1,
    });
    expect(failing.status).toBe(202);
    expect(sim.sentSms.map((s) => [s.to, s.outcome, s.userId])).toEqual([
      ['+12025550142', 'delivered', 120701],
      ['+12025550142', 'invalid', null],
    ]);
    await sim.idle();
    const events = receiver.received.map(envelope).filter((e) => e.event.includes('SMS'));
    expect(events.map((e) => e.event)).toEqual([
      'OutboundSMS-DispositionCompleted',
      'OutboundSMS-DispositionInvalid',
    ]);
    expect(shapeDiff(events[0], fixtureFor('OutboundSMS-DispositionCompleted'))).toEqual([]);
    expect(shapeDiff(events[1], fixtureFor('OutboundSMS-DispositionInvalid'))).toEqual([]);
    expect(events[1]!.body).toMatchObject({
      current_status2: 19,
      disposition_status2: 7,
      type: 2,
      direction: 2,
    });
    expect(events[1]!.body.owner_id).toBe(-1);

    const invalid = await post('/sms-gateway/send', { from: '+12025550100', to: 'x', message: '' });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toHaveProperty('errors.to');
  });

  it('removes a contact from every power-dialer list and clears lists', async () => {
    for (const id of [800, 801]) sim.createList({ id, name: `List ${id}` });
    await post('/forms', {
      phone_number: '2025550142',
      list_ids: '800,801',
      user_id: 120701,
      add_to_powerdialer: 1,
    });
    const id = sim.contact('2025550142')!.id;
    expect(await post('/powerdialer-remove-contact-from-lists', { contact_id: String(id) })).toMatchObject({
      status: 200,
      json: { message: 'The contact has been removed from the Power Dialer lists.' },
    });
    expect(sim.lists().every((l) => !l.contactIds.includes(id))).toBe(true);
    expect(await post('/powerdialer-remove-contact-from-lists', { contact_id: '999' })).toMatchObject({
      status: 404,
      json: { message: 'The requested contact id does not exist.' },
    });
    await post('/forms', {
      phone_number: '2025550143',
      list_ids: '800',
      user_id: 120701,
      add_to_powerdialer: 1,
    });
    expect((await post('/powerdialer-clear-list', { list_id: '800' })).status).toBe(200);
    expect(sim.lists().find((l) => l.id === 800)?.contactIds).toEqual([]);
    expect((await post('/powerdialer-clear-list', { list_id: '9999' })).status).toBe(404);
    expect((await post('/powerdialer-clear-user-lists', { user_id: '120701' })).status).toBe(200);
    expect(sim.lists().find((l) => l.userId === 120701)?.contactIds).toEqual([]);
    expect((await post('/powerdialer-clear-user-lists', { user_id: '1' })).status).toBe(404);
  });

  it('enrols and disenrols a contact in a sequence', async () => {
    await post('/forms', { phone_number: '2025550142' });
    const id = sim.contact('2025550142')!.id;
    expect(
      await post('/sequence-enroll', {
        sequence_id: '4821',
        source: 'phone_number',
        phone_number: '+12025550142',
      }),
    ).toMatchObject({ status: 200, json: { message: 'Contact is successfully enrolled in the sequence.' } });
    expect(sim.contact(id)?.sequence_id).toBe(4821);
    expect((await post('/sequence-enroll', { sequence_id: '4822', source: 'aloware', id })).status).toBe(400);
    expect(
      (await post('/sequence-enroll', { sequence_id: '4822', source: 'aloware', id, force_enroll: 1 }))
        .status,
    ).toBe(200);
    expect(sim.contact(id)?.sequence_id).toBe(4822);
    expect(await post('/sequence-disenroll', { source: 'aloware', id })).toMatchObject({
      status: 200,
      json: { message: 'Contact is successfully disenrolled from the sequence.' },
    });
    expect(
      await post('/sequence-disenroll', { source: 'phone_number', phone_number: '2025550142' }),
    ).toMatchObject({
      status: 400,
      json: { message: 'The contact is not enrolled in any sequence.' },
    });
  });

  it('lists users with agent status', async () => {
    const users = await get('/users');
    expect(users.status).toBe(200);
    expect(users.json).toEqual(fixtureUsers());
    sim.setUserStatus(120702, 4);
    expect(((await get('/users')).json as Array<Record<string, unknown>>)[1]).toMatchObject({
      agent_status: 4,
      human_readable_agent_status: 'On Call',
    });
  });

  it('establishes a two-legged call (202) or answers 422 when no agent is available', async () => {
    const ok = await post('/two-legged-call', {
      user_id: '120701',
      contact_phone_number: '+12025550142',
      line_phone_number: '+12025550100',
    });
    expect(ok).toMatchObject({ status: 202, json: { message: 'Two legged call established.' } });
    const busy = await post('/two-legged-call', { user_id: '120702', contact_phone_number: '+12025550142' });
    expect(busy.status).toBe(422);
    expect(busy.json).toEqual({
      errors: {
        user: ['Oops! Looks like we can not find any available inbox users. Please try again later.'],
      },
    });
    await sim.idle();
    const calls = receiver.received.map(envelope).filter((e) => e.event.startsWith('OutboundPhoneCall'));
    expect(calls[0]?.body.creator_type).toBe(2);
  });
});

function fixtureUsers() {
  return [
    {
      id: 120701,
      name: 'Grace Example',
      email: 'grace.example@example.com',
      agent_status: 1,
      human_readable_agent_status: 'Available',
    },
    {
      id: 120702,
      name: 'Alan Example',
      email: 'alan.example@example.com',
      agent_status: 0,
      human_readable_agent_status: 'Offline',
    },
  ];
}

describe('webhooks', () => {
  it('sends the six webhooks of an answered outbound call, in order, shaped like the fixtures', async () => {
    sim.setWebhook(receiver.url, { type: 'bearer', token: 'bearer-abc' });
    sim.createContact({
      phone_number: '+12025550142',
      first_name: 'Ada',
      last_name: 'Example',
      user_id: 120701,
    });
    await sim.idle();
    const before = receiver.received.length;
    const call = sim.placeOutboundCall({ contactPhone: '202-555-0142', answered: true });
    await sim.idle();
    const deliveries = receiver.received.slice(before);
    const expected = [
      'OutboundPhoneCall',
      'OutboundPhoneCall-DispositionCompleted',
      'Recording-Saved',
      'Call-Disposed',
      'transcription.call.summarized',
      'transcription.open_search.saved',
    ] as const;
    expect(call.events).toEqual(expected);
    expect(deliveries.map((d) => envelope(d).event)).toEqual(expected);

    for (const [i, event] of expected.entries()) {
      const delivery = deliveries[i]!;
      expect(delivery.method).toBe('POST');
      expect(delivery.headers.authorization).toBe('Bearer bearer-abc');
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['user-agent']).toBe('GuzzleHttp/7');
      expect(Object.keys(delivery.json as object)).toEqual(['body', 'event']);
      expect(shapeDiff(delivery.json, fixtureFor(event)), event).toEqual([]);
    }
    const bodies = deliveries.map((d) => envelope(d).body);
    const [initiated, completed, recording, disposed, summarized, openSearch] = bodies as [
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    for (const b of [initiated, completed, recording, disposed]) {
      expect(b.id).toBe(call.communicationId);
      expect(b.contact_id).toBe(call.contactId);
      expect(b).toMatchObject({
        direction: 2,
        type: 1,
        lead_number: '+12025550142',
        incoming_number: '+12025550100',
      });
      expect(b.created_at).toMatch(TIMESTAMP);
      expect(b.updated_at).toMatch(TIMESTAMP);
    }
    // Field presence differs between initiation and disposition, as on the real wire.
    expect(initiated).not.toHaveProperty('current_status');
    expect(initiated).not.toHaveProperty('direct_recording_url');
    expect(initiated).toMatchObject({ user_id: null, current_status2: 1, has_recording: false });
    expect(completed).toMatchObject({
      current_status: 'completed',
      current_status2: 9,
      disposition_status: 'completed',
      disposition_status2: 4,
      user_id: 120701,
      call_disposition: 'Call back',
      has_recording: true,
    });
    expect(completed.direct_recording_url).toMatch(
      /^https:\/\/app\.aloware\.io\/static\/recording\/[0-9a-f-]{36}$/,
    );
    expect(completed).not.toHaveProperty('recording_url');
    // updated_at moves per delivery.
    expect(new Set([completed.updated_at, recording.updated_at, disposed.updated_at]).size).toBe(3);
    expect(summarized).not.toHaveProperty('id');
    expect((summarized.communication as Record<string, unknown>).id).toBe(call.communicationId);
    expect((summarized.transcription as Record<string, unknown>).communication_id).toBe(call.communicationId);
    expect((openSearch.communication as Record<string, unknown>).id).toBe(call.communicationId);
    expect(typeof summarized.summary).toBe('string');
    expect(sim.contact(call.contactId)?.outbound_call_count).toBe(1);
  });

  it('sends two webhooks for a failed outbound call, three for an answered inbound call, two for a missed one', async () => {
    const failed = sim.placeOutboundCall({ contactPhone: '+12025550142', answered: false });
    const inbound = sim.receiveInboundCall({ contactPhone: '+12025550142' });
    const missed = sim.receiveInboundCall({ contactPhone: '+12025550142', answered: false });
    const voicemail = sim.receiveInboundCall({
      contactPhone: '+12025550142',
      answered: false,
      voicemail: true,
    });
    await sim.idle();
    expect(failed.events).toEqual(['OutboundPhoneCall', 'OutboundPhoneCall-DispositionFailed']);
    expect(inbound.events).toEqual([
      'InboundPhoneCall',
      'InboundPhoneCall-DispositionCompleted',
      'Recording-Saved',
    ]);
    expect(missed.events).toEqual(['InboundPhoneCall', 'InboundPhoneCall-DispositionMissed']);
    expect(voicemail.events).toEqual([
      'InboundPhoneCall',
      'InboundPhoneCall-DispositionVoicemail',
      'Voicemail-Saved',
    ]);
    const events = receiver.received.map(envelope);
    // The unknown number became a contact first.
    expect(events.map((e) => e.event)).toEqual([
      'Contact-Created',
      ...failed.events,
      ...inbound.events,
      ...missed.events,
      ...voicemail.events,
    ]);
    const byEvent = (name: string, id: number) => events.find((e) => e.event === name && e.body.id === id)!;
    for (const [name, id] of [
      ['OutboundPhoneCall-DispositionFailed', failed.communicationId],
      ['InboundPhoneCall', inbound.communicationId],
      ['InboundPhoneCall-DispositionCompleted', inbound.communicationId],
      ['InboundPhoneCall-DispositionMissed', missed.communicationId],
      ['Voicemail-Saved', voicemail.communicationId],
    ] as const) {
      expect(shapeDiff(byEvent(name, id), fixtureFor(name)), name).toEqual([]);
    }
    expect(byEvent('OutboundPhoneCall-DispositionFailed', failed.communicationId).body).toMatchObject({
      disposition_status: 'failed',
      disposition_status2: 5,
      user_id: null,
    });
    expect(byEvent('InboundPhoneCall-DispositionMissed', missed.communicationId).body).toMatchObject({
      direction: 1,
      disposition_status: 'missed',
      disposition_status2: 3,
      destination_number: null,
    });
    expect(receiver.received.every((r) => r.headers.authorization === 'Basic YWxvd2FyZTpzM2NyZXQ=')).toBe(
      true,
    );
  });

  it('sends contact, SMS and appointment events shaped like the fixtures', async () => {
    sim.createContact({ phone_number: '2025550142', first_name: 'Ada', city: 'Washington' });
    sim.updateContact('2025550142', { email: 'ada@example.com' });
    sim.disposeContact('2025550142', 31201);
    sim.setDnc('2025550142', true);
    const sms = sim.receiveSms({ from: '+12025550142', body: 'Yes, Tuesday works' });
    sim.bookAppointment({ contactPhone: '2025550142', title: 'Portfolio review' });
    await sim.idle();
    const events = receiver.received.map(envelope);
    expect(events.map((e) => e.event)).toEqual([
      'Contact-Created',
      'Contact-Updated',
      'Contact-Disposed',
      'Contact-DNC-Updated',
      'InboundSMS-DispositionCompleted',
      'OutboundAppointment',
    ]);
    for (const e of events)
      expect(shapeDiff(e, fixtureFor(e.event as keyof typeof WEBHOOK_FIXTURE_FILES))).toEqual([]);
    expect(events[3]!.body.is_dnc).toBe(true);
    expect(events[2]!.body.disposition_status_id).toBe(31201);
    expect(events[4]!.body).toMatchObject({
      id: sms.communicationId,
      body: 'Yes, Tuesday works',
      type: 2,
      direction: 1,
    });
    expect(events[5]!.body).toMatchObject({ type: 12, disposition_status2: 11 });
  });

  it('never retries a delivery the receiver refused', async () => {
    receiver.respondWith(500);
    sim.createContact({ phone_number: '2025550142' });
    await sim.idle();
    receiver.respondWith(204);
    sim.updateContact('2025550142', { first_name: 'Ada' });
    await sim.idle();
    expect(sim.deliveries.map((d) => [d.event, d.status])).toEqual([
      ['Contact-Created', 500],
      ['Contact-Updated', 204],
    ]);
    expect(receiver.received).toHaveLength(2);
    expect(JSON.stringify(sim.deliveries.map((d) => d.headers))).not.toContain('czNjcmV0');
  });

  it('sends the {"test_payload":true} ping without an event', async () => {
    sim.sendTestPayload();
    await sim.idle();
    expect(receiver.received[0]?.json).toEqual(
      JSON.parse(readFileSync(fixturePath('test-payload.json'), 'utf8')),
    );
    expect(receiver.received[0]?.rawBody).toBe('{"test_payload":true}');
  });

  it('can spell contact events differently and filter subscriptions', async () => {
    await sim.close();
    sim = await startAlowareSimulator({
      apiToken: TOKEN,
      webhookUrl: receiver.url,
      contactEventNaming: 'spaced',
      events: ['Contact-Created', 'InboundSMS-DispositionCompleted'],
    });
    sim.createContact({ phone_number: '2025550142' });
    sim.updateContact('2025550142', { first_name: 'Ada' });
    sim.receiveSms({ from: '2025550142', body: 'hi' });
    await sim.idle();
    expect(receiver.received.map((r) => envelope(r).event)).toEqual([
      'Contact Created',
      'InboundSMS-DispositionCompleted',
    ]);
    expect(receiver.received[0]?.headers.authorization).toBeUndefined();
  });
});

describe('fault injection', () => {
  it('fails the next n matching requests, then recovers', async () => {
    sim.failNext(2, { status: 503, path: '/users' });
    expect((await get('/users')).status).toBe(503);
    expect((await get('/contact/phone-number', { phone_number: '2025550199' })).status).toBe(404);
    expect((await get('/users')).status).toBe(503);
    expect((await get('/users')).status).toBe(200);

    sim.failNext(1, { status: 429, retryAfterSec: 3 });
    const limited = await fetch(`${sim.apiUrl}/users?api_token=${TOKEN}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');

    sim.failNext(1, { reset: true });
    await expect(fetch(`${sim.apiUrl}/users?api_token=${TOKEN}`)).rejects.toThrow();
    expect((await get('/users')).status).toBe(200);
  });

  it('takes the same fault description as the GHL simulator: method, pattern, after-effect, hang', async () => {
    // A GET of the same path is not a POST: untouched.
    sim.failNext(1, { status: 500, method: 'POST', path: /\/forms$/, afterEffect: true, hangMs: 50 });
    expect((await get('/users')).status).toBe(200);
    const started = Date.now();
    const created = await post('/forms', { phone_number: '2025550177', first_name: 'Effect' });
    // The write took effect, and the caller saw only the error (after the hang).
    expect(created.status).toBe(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(sim.contact('2025550177')?.first_name).toBe('Effect');
    expect((await post('/forms', { phone_number: '2025550178' })).status).toBe(201);
  });
});

describe('control plane (/__sim)', () => {
  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/__sim${path}`, {
      method: body === undefined && !path.startsWith('/idle') ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it('drives and inspects a simulator over HTTP', async () => {
    const call = await control('/calls/outbound', { contactPhone: '2025550142', answered: false });
    expect(call).toMatchObject({
      status: 200,
      json: { events: ['OutboundPhoneCall', 'OutboundPhoneCall-DispositionFailed'] },
    });
    expect((await control('/idle', {})).status).toBe(204);
    const deliveries = (await control('/deliveries')).json as Array<{ event: string; status: number }>;
    expect(deliveries.map((d) => [d.event, d.status])).toEqual([
      ['Contact-Created', 204],
      ['OutboundPhoneCall', 204],
      ['OutboundPhoneCall-DispositionFailed', 204],
    ]);
    const state = (await control('/state')).json as { contacts: Array<{ phone_number: string }> };
    expect(state.contacts.map((c) => c.phone_number)).toEqual(['+12025550142']);

    expect((await control('/faults', { n: 1, status: 500 })).status).toBe(204);
    expect((await get('/users')).status).toBe(500);
    expect((await get('/users')).status).toBe(200);

    // A driver error is a 400 with its message; control requests stay out of the API request log.
    expect(await control('/contacts/2025550199/dnc', { isDnc: true })).toMatchObject({ status: 400 });
    expect(sim.requests.some((r) => r.path.startsWith('/__sim'))).toBe(false);
  });
});
