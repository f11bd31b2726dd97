import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type AlowareSimulator,
  alowareFixturePath as fixturePath,
  startAlowareSimulator,
  type ALOWARE_WEBHOOK_FIXTURE_FILES as WEBHOOK_FIXTURE_FILES,
} from '../src/aloware/index.ts';
import {
  envelope,
  fixtureFor,
  get,
  post,
  receiver,
  TIMESTAMP,
  TOKEN,
  useAlowareSimulator,
} from './aloware-harness.ts';
import { shapeDiff } from './aloware-receiver.ts';

// 'can spell contact events differently…' replaces the simulator mid-test, so this file keeps its own binding.
let sim: AlowareSimulator;
useAlowareSimulator({
  onStart: (started) => {
    sim = started;
  },
  current: () => sim,
});

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
