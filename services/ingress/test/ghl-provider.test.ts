import { TOPICS } from '@df/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ghlExample } from './fixtures.ts';
import { type IngressUnderTest, OPERATOR_TOKEN, signGhl, startTestIngress } from './ingress-harness.ts';

let it_: IngressUnderTest;

beforeAll(async () => {
  it_ = await startTestIngress();
});
afterAll(() => it_.close());

/** A documented example with its message id made unique, so runs and tests never share an identity. */
function providerDelivery(page: 'SMS' | 'Email', overrides: Record<string, unknown> = {}) {
  const example = ghlExample('ProviderOutboundMessage.md', page === 'SMS' ? 0 : 1);
  return JSON.stringify({ ...example, messageId: `msg-${crypto.randomUUID()}`, ...overrides });
}

async function refusalsByReason(reason: string): Promise<number> {
  const metrics = await fetch(`${it_.ingress.url}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  const line = (await metrics.text())
    .split('\n')
    .find((l) => l.startsWith('df_ingress_auth_failures_total{') && l.includes(`reason="${reason}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const storedBodies = async () => (await it_.events(TOPICS.ghl)).map((r) => JSON.stringify(r.value.raw));

describe('replay protection on /webhooks/ghl', () => {
  it('refuses a signed app webhook without a timestamp, since no window could ever expire it', async () => {
    const body = JSON.stringify({
      type: 'ContactUpdate',
      locationId: 'loc-1',
      id: 'ghl-contact-replay',
      phone: '+12025550142',
      webhookId: crypto.randomUUID(),
    });
    const before = await refusalsByReason('missing_timestamp');
    const response = await it_.post('/webhooks/ghl', body, signGhl(body));
    expect(response.status).toBe(401);
    expect(await refusalsByReason('missing_timestamp')).toBe(before + 1);
    expect(await storedBodies()).not.toContain(body);
  });

  it('refuses a provider delivery sent to the app route, where only the window guards replays', async () => {
    const body = providerDelivery('SMS');
    expect((await it_.post('/webhooks/ghl', body, signGhl(body))).status).toBe(401);
  });
});

describe('POST /webhooks/ghl/provider', () => {
  it("accepts GHL's documented SMS delivery (no timestamp, no webhookId) as a send request", async () => {
    const body = providerDelivery('SMS');
    const response = await it_.post('/webhooks/ghl/provider', body, signGhl(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, events: [{ type: 'sms.send_requested' }] });
    const stored = (await it_.events(TOPICS.ghl)).filter((r) => JSON.stringify(r.value.raw) === body);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.value).toMatchObject({
      type: 'sms.send_requested',
      tenant: 'GKAWb4yu7A4LSc0skQ6g',
      data: { to: '+15864603685', body: 'The text message to be sent to the contact' },
    });
  });

  it('publishes a replayed provider delivery only once (its message id is its identity)', async () => {
    const body = providerDelivery('SMS');
    expect((await it_.post('/webhooks/ghl/provider', body, signGhl(body))).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect((await it_.post('/webhooks/ghl/provider', body, signGhl(body))).status).toBe(200);
    }
    expect((await storedBodies()).filter((b) => b === body)).toHaveLength(1);
  });

  it('accepts an extra SMS provider\'s "Custom" delivery as a send request', async () => {
    const body = providerDelivery('SMS', { type: 'Custom' });
    const response = await it_.post('/webhooks/ghl/provider', body, signGhl(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ events: [{ type: 'sms.send_requested' }] });
  });

  it('records an e-mail delivery as unsupported instead of refusing it (a refusal only makes GHL retry)', async () => {
    const body = providerDelivery('Email');
    const response = await it_.post('/webhooks/ghl/provider', body, signGhl(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ events: [{ type: 'unknown' }] });
    const stored = (await it_.events(TOPICS.ghl)).find((r) => JSON.stringify(r.value.raw) === body);
    expect(stored?.value.data).toEqual({
      reason: 'unsupported provider channel Email: e-mail is not delivered by this middleware',
    });
  });

  it('still applies the window when a provider delivery does carry a timestamp', async () => {
    const stale = providerDelivery('SMS', { timestamp: new Date(Date.now() - 3_600_000).toISOString() });
    expect((await it_.post('/webhooks/ghl/provider', stale, signGhl(stale))).status).toBe(401);
    const fresh = providerDelivery('SMS', { timestamp: new Date().toISOString() });
    expect((await it_.post('/webhooks/ghl/provider', fresh, signGhl(fresh))).status).toBe(200);
  });

  it('refuses what is not a provider delivery, and unsigned ones', async () => {
    const app = JSON.stringify({ type: 'ContactUpdate', locationId: 'loc-1', id: 'c-1' });
    const legacyName = providerDelivery('SMS', { type: 'ProviderOutboundMessage' });
    const noMessageId = providerDelivery('SMS', { messageId: undefined });
    for (const body of [app, legacyName, noMessageId]) {
      const response = await it_.post('/webhooks/ghl/provider', body, signGhl(body));
      expect(response.status, body).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_payload' } });
    }
    expect((await it_.post('/webhooks/ghl/provider', providerDelivery('SMS'))).status).toBe(401);
  });
});
