import { TOPICS } from '@df/contracts';
import { alowareDeliveries } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALOWARE_PASS,
  ALOWARE_USER,
  basicAuth,
  type IngressUnderTest,
  OPERATOR_TOKEN,
  signGhl,
  signTexting,
  startTestIngress,
  TEXTING_SECRETS,
  TEXTING_SHARED,
} from './ingress-harness.ts';

let it_: IngressUnderTest;
const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };

beforeAll(async () => {
  it_ = await startTestIngress({ bodyLimitBytes: 64 * 1024 });
});
afterAll(() => it_.close());

const ghlContact = (overrides: Record<string, unknown> = {}) => ({
  type: 'ContactUpdate',
  locationId: 'loc-1',
  id: 'ghl-contact-1',
  firstName: 'Ada',
  lastName: 'Example',
  email: 'Ada@Example.com',
  phone: '+1 202-555-0142',
  tags: ['lead'],
  dnd: false,
  timestamp: new Date().toISOString(),
  webhookId: crypto.randomUUID(),
  ...overrides,
});

describe('POST /webhooks/aloware', () => {
  it('publishes every Aloware delivery as normalized events that keep the raw body', async () => {
    const deliveries = alowareDeliveries();
    const eventIds: string[] = [];
    for (const { name, body } of deliveries) {
      const response = await it_.post('/webhooks/aloware', body, aloware);
      expect(response.status, name).toBe(200);
      const answer = (await response.json()) as { accepted: number; events: Array<{ id: string }> };
      expect(answer.accepted, name).toBeGreaterThan(0);
      eventIds.push(...answer.events.map((e) => e.id));
    }
    const stored = await it_.events(TOPICS.aloware);
    expect(stored.map((r) => r.value.id).sort()).toEqual([...eventIds].sort());
    for (const record of stored) {
      expect(record.value.source).toBe('aloware');
      expect(record.key).toBe(`${record.value.tenant}:${record.value.naturalKey}`);
      expect(record.headers['x-event-id']).toBe(record.value.id);
      expect(deliveries.map((d) => JSON.stringify(d.body))).toContain(JSON.stringify(record.value.raw));
    }
  });

  it('answers the test delivery with 200 and publishes nothing', async () => {
    const before = (await it_.events(TOPICS.aloware)).length;
    const response = await it_.post('/webhooks/aloware', { test_payload: true }, aloware);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 0, test: true });
    expect(await it_.events(TOPICS.aloware)).toHaveLength(before);
  });

  it('accepts the configured Bearer token as well as Basic credentials', async () => {
    const [delivery] = alowareDeliveries();
    const response = await it_.post(
      '/webhooks/aloware',
      { ...delivery!.body, x: 1 },
      { authorization: 'Bearer aloware-bearer' },
    );
    expect(response.status).toBe(200);
  });

  it('refuses missing or wrong credentials with a 401 that says nothing more', async () => {
    const [delivery] = alowareDeliveries();
    for (const headers of <Record<string, string>[]>[
      {},
      { authorization: basicAuth(ALOWARE_USER, 'wrong') },
      { authorization: basicAuth('someone', ALOWARE_PASS) },
      { authorization: 'Bearer wrong' },
    ]) {
      const response = await it_.post('/webhooks/aloware', delivery!.body, headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'unauthorized', message: 'authentication failed' },
      });
    }
    const metrics = await fetch(`${it_.ingress.url}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toMatch(
      /df_ingress_auth_failures_total\{route="\/webhooks\/aloware",reason="bad_credentials"\} 3/,
    );
    expect(text).toMatch(
      /df_ingress_auth_failures_total\{route="\/webhooks\/aloware",reason="missing_credentials"\} 1/,
    );
  });

  it('answers bad bodies with a clear 4xx and publishes nothing', async () => {
    const before = (await it_.events(TOPICS.aloware)).length;
    const malformed = await it_.post('/webhooks/aloware', '{"event": ', aloware);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('malformed_json');

    const notJson = await fetch(`${it_.ingress.url}/webhooks/aloware`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...aloware },
      body: 'hello',
    });
    expect(notJson.status).toBe(415);

    const array = await it_.post('/webhooks/aloware', '[1,2]', aloware);
    expect(array.status).toBe(400);

    const huge = await it_.post(
      '/webhooks/aloware',
      { event: 'ContactUpdated', pad: 'x'.repeat(70 * 1024) },
      aloware,
    );
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await it_.events(TOPICS.aloware)).toHaveLength(before);
  });
});

describe('ALOWARE_WEBHOOK_ALLOWED_EVENTS', () => {
  it('acknowledges filtered events without publishing them, and counts them', async () => {
    const filtered = await startTestIngress({
      aloware: { ...it_.config.aloware, allowedEvents: ['Contact*', 'OutboundPhoneCall-Disposition*'] },
    });
    try {
      const deliveries = alowareDeliveries();
      const sms = deliveries.find((d) => d.name === 'sms-received.json')!;
      const contact = deliveries.find((d) => d.name === 'contact-created.json')!;
      expect((await filtered.post('/webhooks/aloware', sms.body, aloware)).status).toBe(200);
      expect((await filtered.post('/webhooks/aloware', contact.body, aloware)).status).toBe(200);
      const stored = await filtered.events(TOPICS.aloware);
      expect(stored.map((r) => r.value.type)).toEqual(['contact.created']);
      const metrics = await filtered.ingress.metrics.registry.getSingleMetricAsString(
        'df_ingress_deliveries_ignored_total',
      );
      expect(metrics).toContain('source="aloware",reason="filtered"} 1');
    } finally {
      await filtered.close();
    }
  });
});

describe('POST /webhooks/ghl', () => {
  it('answers every redelivery only once it is durable, always as the same event (consumers apply it once)', async () => {
    const body = JSON.stringify(ghlContact());
    const headers = { 'x-ghl-signature': signGhl(body)['x-ghl-signature'] };
    const answers: Array<{ events: Array<{ id: string; type: string }> }> = [];
    for (let i = 0; i < 4; i++) {
      const response = await it_.post('/webhooks/ghl', body, headers);
      expect(response.status).toBe(200);
      answers.push((await response.json()) as (typeof answers)[number]);
    }
    expect(answers[0]!.events.map((e) => e.type)).toEqual(['contact.updated']);
    const id = answers[0]!.events[0]!.id;
    expect(answers.map((a) => a.events[0]!.id)).toEqual([id, id, id, id]);
    const stored = (await it_.events(TOPICS.ghl)).filter(
      (r) => r.value.raw && JSON.stringify(r.value.raw) === body,
    );
    // No receipt is written before durability, so every copy is published; all carry one event id.
    expect(new Set(stored.map((r) => r.value.id))).toEqual(new Set([id]));
    expect(stored[0]!.value).toMatchObject({ id, tenant: 'loc-1', naturalKey: '+12025550142' });
  });

  it('gives 20 concurrent copies of one webhook one event id, each answered only once durable', async () => {
    const body = JSON.stringify(ghlContact({ firstName: 'Concurrent' }));
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => it_.post('/webhooks/ghl', body, signGhl(body))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const answers = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      durable: string;
      events: Array<{ id: string }>;
    }>;
    expect(new Set(answers.map((a) => a.durable))).toEqual(new Set(['kafka']));
    const ids = new Set(answers.map((a) => a.events[0]!.id));
    expect(ids.size).toBe(1);
    const stored = (await it_.events(TOPICS.ghl)).filter((r) => JSON.stringify(r.value.raw) === body);
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((r) => r.value.id))).toEqual(ids);
  });

  it('refuses a body a proxy re-serialized, since the signature covers the exact bytes', async () => {
    const body = JSON.stringify(ghlContact());
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect((await it_.post('/webhooks/ghl', reserialized, signGhl(body))).status).toBe(401);
  });

  it('accepts the legacy RSA signature when no Ed25519 signature is sent', async () => {
    const body = JSON.stringify(ghlContact());
    const response = await it_.post('/webhooks/ghl', body, {
      'x-wh-signature': signGhl(body)['x-wh-signature'],
    });
    expect(response.status).toBe(200);
  });

  it('judges by the Ed25519 signature alone when one is present', async () => {
    const body = JSON.stringify(ghlContact());
    const other = JSON.stringify(ghlContact());
    const response = await it_.post('/webhooks/ghl', body, {
      'x-ghl-signature': signGhl(other)['x-ghl-signature'],
      'x-wh-signature': signGhl(body)['x-wh-signature'],
    });
    expect(response.status).toBe(401);
  });

  it('refuses unsigned, tampered and stale deliveries', async () => {
    const body = JSON.stringify(ghlContact());
    expect((await it_.post('/webhooks/ghl', body)).status).toBe(401);
    expect((await it_.post('/webhooks/ghl', body, { 'x-ghl-signature': 'N/A' })).status).toBe(401);
    const tampered = body.replace('Ada', 'Eve');
    expect((await it_.post('/webhooks/ghl', tampered, signGhl(body))).status).toBe(401);
    const stale = JSON.stringify(ghlContact({ timestamp: new Date(Date.now() - 10 * 60_000).toISOString() }));
    expect((await it_.post('/webhooks/ghl', stale, signGhl(stale))).status).toBe(401);
  });
});

describe('POST /webhooks/texting', () => {
  const inbound = (overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      eventType: 'message.received',
      messageId: crypto.randomUUID(),
      conversationId: 'chat-1',
      direction: 'inbound',
      from: '+12025550142',
      to: '+12025550199',
      body: 'Yes, call me tomorrow',
      timestamp: new Date().toISOString(),
      status: 'received',
      mediaUrls: [],
      ...overrides,
    });

  it('accepts signatures made with the current or the previous secret (rotation)', async () => {
    for (const secret of TEXTING_SECRETS) {
      const body = inbound();
      expect((await it_.post('/webhooks/texting', body, signTexting(body, secret))).status).toBe(200);
    }
  });

  it('accepts the shared-secret header of the existing system', async () => {
    expect(
      (await it_.post('/webhooks/texting', inbound(), { 'x-texting-secret': TEXTING_SHARED })).status,
    ).toBe(200);
  });

  it('turns an inbound STOP into the message and the opt-out', async () => {
    const body = inbound({ body: '  Stop ' });
    const response = await it_.post('/webhooks/texting', body, signTexting(body, TEXTING_SECRETS[0]!));
    const { events } = (await response.json()) as { events: Array<{ type: string }> };
    expect(events.map((e) => e.type).sort()).toEqual(['consent.opted_out', 'sms.received']);
  });

  it('refuses wrong secrets, tampered bodies and old timestamps', async () => {
    const body = inbound();
    expect((await it_.post('/webhooks/texting', body, signTexting(body, 'wrong'))).status).toBe(401);
    expect(
      (
        await it_.post(
          '/webhooks/texting',
          body.replace('tomorrow', 'never'),
          signTexting(body, TEXTING_SECRETS[0]!),
        )
      ).status,
    ).toBe(401);
    const old = signTexting(body, TEXTING_SECRETS[0]!, Math.floor(Date.now() / 1000) - 600);
    expect((await it_.post('/webhooks/texting', body, old)).status).toBe(401);
    expect((await it_.post('/webhooks/texting', body, { 'x-texting-secret': 'wrong' })).status).toBe(401);
    expect((await it_.post('/webhooks/texting', body)).status).toBe(401);
  });
});

describe('operator API', () => {
  it('publishes a sync request as a command, for the operator only', async () => {
    expect((await it_.post('/sync/contacts?alowareContactId=1550919', {})).status).toBe(401);
    const response = await it_.post(
      '/sync/contacts?phone=(202)%20555-0142',
      {},
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(response.status).toBe(202);
    const { command } = (await response.json()) as { command: { id: string } };
    const list = await it_.post(
      '/sync/lists?tagName=hot-leads',
      {},
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(list.status).toBe(202);
    const bad = await it_.post(
      '/commands',
      { type: 'nonsense' },
      { authorization: `Bearer ${OPERATOR_TOKEN}` },
    );
    expect(bad.status).toBe(400);

    const commands = (await it_.values(TOPICS.commands)) as Array<{ type: string }>;
    commands.sort((x, y) => x.type.localeCompare(y.type));
    expect(commands).toMatchObject([
      {
        id: command.id,
        type: 'contact.sync_requested',
        data: { target: { by: 'phone', phone: '+12025550142' } },
      },
      { type: 'list.rebuild_requested', data: { target: { by: 'tag', tag: 'hot-leads' } } },
    ]);
  });
});

describe('health', () => {
  it('is live and ready against the real stack; metrics need the operator token', async () => {
    expect((await fetch(`${it_.ingress.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${it_.ingress.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { kafka: true, registry: true, spool: true },
    });
    expect((await fetch(`${it_.ingress.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${it_.ingress.url}/metrics`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(await metrics.text()).toContain(
      'df_ingress_requests_total{route="/webhooks/aloware",status="200"}',
    );
  });
});
