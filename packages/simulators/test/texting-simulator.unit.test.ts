import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTextingSimulator, TEXTING_SEND_PATH, type TextingSimulator } from '../src/texting/index.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from './aloware-receiver.ts';

const API_KEY = 'texting-key-abc';
const HMAC_SECRET = 'hmac-secret-1';
const SHARED_SECRET = 'shared-secret-1';
const FIXED_NOW = new Date('2026-03-02T15:04:05.000Z');

let sim: TextingSimulator;
let receiver: Receiver;

async function send(body: Record<string, unknown>, key?: string, apiKey = API_KEY) {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${apiKey}`,
  };
  if (key) headers['Idempotency-Key'] = key;
  const response = await fetch(`${sim.url}${TEXTING_SEND_PATH}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

type Hook = Record<string, unknown> & { eventType: string; raw: Record<string, string> };
const hooks = () => receiver.received.map((r) => r.json as Hook);
const expectedSignature = (secret: string, r: ReceivedRequest) =>
  `v1=${createHmac('sha256', secret).update(`${r.headers['x-texting-timestamp']}.${r.rawBody}`).digest('hex')}`;

beforeEach(async () => {
  receiver = await startReceiver('/webhooks/texting');
  sim = await startTextingSimulator({
    apiKey: API_KEY,
    webhookUrl: receiver.url,
    signing: { hmacSecret: HMAC_SECRET },
    clock: () => FIXED_NOW,
  });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe('send API', () => {
  it('sends once per Idempotency-Key and reports sent then delivered through signed webhooks', async () => {
    const first = await send(
      { to: '+12025550142', body: 'Thanks, talk soon', from: '+12025550199' },
      'evt-1',
    );
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ success: true, status: 'pending' });
    expect(typeof first.json.messageId).toBe('string');
    expect(typeof first.json.chatId).toBe('string');

    const replay = await send(
      { to: '+12025550142', body: 'Thanks, talk soon', from: '+12025550199' },
      'evt-1',
    );
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(sim.sent()).toHaveLength(1);

    await sim.idle();
    expect(hooks().map((h) => h.eventType)).toEqual(['message.sent', 'message.delivered']);
    const [sent, delivered] = hooks() as [Hook, Hook];
    expect(Object.keys(sent)).toEqual([
      'eventType',
      'messageId',
      'conversationId',
      'direction',
      'from',
      'to',
      'body',
      'timestamp',
      'status',
      'mediaUrls',
      'raw',
    ]);
    expect(sent).toMatchObject({
      direction: 'outbound',
      from: '+12025550199',
      to: '+12025550142',
      body: 'Thanks, talk soon',
      status: 'sent',
      conversationId: first.json.chatId,
      timestamp: FIXED_NOW.toISOString(),
      mediaUrls: [],
    });
    // The echo of our own send is recognisable: raw.chatMessageId is the id the send API returned.
    expect(sent.raw.chatMessageId).toBe(first.json.messageId);
    expect(sent.raw.telnyxMessageId).toBe(sent.messageId);
    expect(delivered).toMatchObject({ status: 'delivered', messageId: sent.messageId });

    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-texting-timestamp']).toBe(String(FIXED_NOW.getTime() / 1000));
      expect(r.headers['x-texting-signature']).toBe(expectedSignature(HMAC_SECRET, r));
      expect(r.headers['x-texting-secret']).toBeUndefined();
    }
  });

  it('treats different keys as different sends', async () => {
    await send({ to: '2025550142', body: 'one' }, 'k-1');
    await send({ to: '2025550142', body: 'one' }, 'k-2');
    expect(sim.sent().map((m) => m.to)).toEqual(['+12025550142', '+12025550142']);
    expect(sim.sent()[0]?.from).toBe('+12025550199');
  });

  it('answers 401 for a wrong key, 400 for bad input, 409 for an opted-out recipient', async () => {
    expect((await send({ to: '+12025550142', body: 'x' }, 'a', 'wrong')).status).toBe(401);
    expect(await send({ to: 'not-a-phone', body: 'x' }, 'b')).toMatchObject({
      status: 400,
      json: { success: false },
    });
    expect(await send({ to: '+12025550142', body: '  ' }, 'c')).toMatchObject({ status: 400 });
    sim.optOut('+12025550142');
    expect(await send({ to: '(202) 555-0142', body: 'x' }, 'd')).toMatchObject({
      status: 409,
      json: { success: false, error: 'recipient opted out' },
    });
    expect(sim.sent()).toHaveLength(0);
    expect(JSON.stringify(sim.requests)).not.toContain(API_KEY);
  });

  it('reports a carrier failure as message.failed with errorCode and errorMessage', async () => {
    sim.failDeliveryTo('+12025550143', { errorCode: '40008', errorMessage: 'Unreachable' });
    await send({ to: '+12025550143', body: 'x' }, 'f-1');
    await sim.idle();
    expect(hooks().map((h) => [h.eventType, h.status])).toEqual([
      ['message.sent', 'sent'],
      ['message.failed', 'failed'],
    ]);
    expect(hooks()[1]).toMatchObject({ errorCode: '40008', errorMessage: 'Unreachable' });
  });

  it('injects faults on the send API', async () => {
    sim.failNext(1, { status: 429, retryAfterSec: 5, body: { success: false, error: 'rate limited' } });
    const limited = await send({ to: '+12025550142', body: 'x' }, 'r-1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    // An injected failure is not remembered under the key: the retry goes through.
    expect((await send({ to: '+12025550142', body: 'x' }, 'r-1')).status).toBe(200);
    expect(sim.sent()).toHaveLength(1);
  });
});

describe('inbound messages and opt-out keywords', () => {
  it('sends message.received, and optout.stop / optout.start / optout.help for keywords', async () => {
    const inbound = sim.receiveInbound({
      from: '+12025550142',
      to: '+12025550199',
      body: 'Yes, call me tomorrow',
    });
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: ' Stop ' });
    expect(sim.optedOut()).toEqual(['+12025550142']);
    expect((await send({ to: '+12025550142', body: 'hello?' }, 'o-1')).status).toBe(409);
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'START' });
    expect(sim.optedOut()).toEqual([]);
    expect((await send({ to: '+12025550142', body: 'welcome back' }, 'o-2')).status).toBe(200);
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'help' });
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'please stop calling me at work' });
    await sim.idle();
    expect(hooks().map((h) => h.eventType)).toEqual([
      'message.received',
      'message.received',
      'optout.stop',
      'message.received',
      'optout.start',
      'message.sent',
      'message.delivered',
      'message.received',
      'optout.help',
      'message.received',
    ]);
    expect(hooks()[0]).toMatchObject({
      messageId: inbound.carrierMessageId,
      conversationId: inbound.chatId,
      direction: 'inbound',
      from: '+12025550142',
      to: '+12025550199',
      body: 'Yes, call me tomorrow',
      status: 'received',
    });
    // One conversation per pair of numbers.
    expect(new Set(hooks().map((h) => h.conversationId)).size).toBe(1);
  });
});

describe('webhook authentication modes', () => {
  it('sends the shared-secret header, both schemes at once, and signs with a rotated secret', async () => {
    sim.setSigning({ sharedSecret: SHARED_SECRET });
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'a' });
    await sim.idle();
    const shared = receiver.received[0]!;
    expect(shared.headers['x-texting-secret']).toBe(SHARED_SECRET);
    expect(shared.headers['x-texting-signature']).toBeUndefined();

    sim.setSigning({ hmacSecret: 'rotated-secret', sharedSecret: SHARED_SECRET });
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'b' });
    await sim.idle();
    const both = receiver.received[1]!;
    expect(both.headers['x-texting-secret']).toBe(SHARED_SECRET);
    expect(both.headers['x-texting-signature']).toBe(expectedSignature('rotated-secret', both));
    expect(both.headers['x-texting-signature']).not.toBe(expectedSignature(HMAC_SECRET, both));
    // The delivery log keeps no secret.
    expect(JSON.stringify(sim.deliveries.map((d) => d.headers))).not.toContain(SHARED_SECRET);
  });

  it('records the receiver status of every delivery and does not retry', async () => {
    receiver.respondWith(503);
    sim.receiveInbound({ from: '+12025550142', to: '+12025550199', body: 'x' });
    await sim.idle();
    expect(sim.deliveries.map((d) => [d.event, d.status])).toEqual([['message.received', 503]]);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('control plane (/__sim)', () => {
  it('injects an inbound text and reports state over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}/__sim${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const inbound = await post('/inbound', { from: '+12025550142', to: '+12025550199', body: 'UNSUBSCRIBE' });
    expect(inbound.status).toBe(200);
    expect(((await inbound.json()) as { direction: string }).direction).toBe('inbound');
    expect((await post('/idle', {})).status).toBe(204);
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { optedOut: string[] };
    expect(state.optedOut).toEqual(['+12025550142']);
    expect(hooks().map((h) => h.eventType)).toEqual(['message.received', 'optout.stop']);
  });
});
