import { randomUUID } from 'node:crypto';
import { createAlowareClient } from '@df/aloware-client';
import type { EventOfType } from '@df/contracts';
import {
  type AlowareSimulator,
  type GhlSimulator,
  startAlowareSimulator,
  startGhlSimulator,
  startTextingSimulator,
  type TextingSimulator,
} from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { createTextingClient } from '@df/texting-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayDeps } from '../src/deps.ts';
import { sendAgentText } from '../src/outbound.ts';
import { relayReport } from '../src/reports.ts';
import { saveConsent } from '../src/store.ts';
import { createRelayTools, type RelayTools } from '../src/tools.ts';
import { agentSendsInGhl, oauthGhlClient } from './ghl-fixtures.ts';

// An agent's text routed through Aloware, whose send takes no idempotency key: the handlers against the real
// Postgres and the simulated GHL and Aloware, with the process dying exactly where it matters.
let database: TestDatabase;
let ghl: GhlSimulator;
let aloware: AlowareSimulator;
let texting: TextingSimulator;
let tools: RelayTools;
const LINE = '+12025550100';

beforeAll(async () => {
  database = await createTestDatabase();
  ghl = await startGhlSimulator({ port: 0 });
  aloware = await startAlowareSimulator({ apiToken: 'aloware-token' });
  texting = await startTextingSimulator({ port: 0 });
  tools = createRelayTools(
    await oauthGhlClient(ghl),
    createTextingClient({ baseUrl: texting.url, apiKey: texting.apiKey }),
    { conversationProviderId: ghl.conversationProviderId, statusRetryIntervalMs: 50 },
    createAlowareClient({ baseUrl: aloware.url, apiToken: 'aloware-token' }),
  );
});
afterAll(async () => {
  await Promise.all([ghl?.close(), aloware?.close(), texting?.close()]);
  await database?.drop();
});

const reasons: string[] = [];
const deps = (over: Partial<RelayTools> = {}): RelayDeps => ({
  db: database.db,
  tools: { ...tools, ...over },
  config: {
    tenant: ghl.locationId,
    helpReply: null,
    cutOverPendingTenants: [],
    routes: [{ via: 'aloware' }],
    alowareFrom: LINE,
  },
  report: async (_cause, outcome) => void reasons.push(outcome.reason ?? outcome.action),
});

const base = <T extends string>(type: T, source: string, entityId: string, data: object) =>
  ({
    id: randomUUID(),
    type,
    source,
    sourceEventName: type,
    tenant: ghl.locationId,
    entity: { type: 'message', id: entityId },
    naturalKey: 'k',
    occurredAt: new Date().toISOString(),
    dedupeKey: randomUUID(),
    receivedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    raw: {},
    data: {
      messageId: entityId,
      chatMessageId: null,
      conversationId: null,
      alowareContactId: null,
      ghlContactId: null,
      direction: 'outbound',
      status: null,
      error: null,
      mediaUrls: [],
      agentId: null,
      sentAt: null,
      ...data,
    },
  }) as never;

/** An agent's text as GHL's provider webhook makes it (the message exists in GHL, pending). */
async function agentText(phone: string, body: string): Promise<EventOfType<'sms.send_requested'>> {
  const contact = ghl.seedContact({ firstName: 'Al', phone }, { silent: true });
  const messageId = await agentSendsInGhl(ghl, contact.id, body);
  return base('sms.send_requested', 'ghl', messageId, {
    ghlContactId: contact.id,
    contactPhone: phone,
    from: null,
    to: phone,
    body,
  });
}

/** Aloware's `OutboundSMS-Disposition*` about one of the SMS it sent, as the ingress normalizes it. */
const disposition = (sms: AlowareSimulator['sentSms'][number]): EventOfType<'sms.sent'> =>
  base('sms.sent', 'aloware', String(sms.communicationId), {
    contactPhone: sms.to,
    from: LINE,
    to: sms.to,
    body: sms.message,
    status: 'delivered',
  });

const smsTo = (phone: string) => aloware.sentSms.filter((m) => m.to === phone);
const status = (id: string) => ghl.messages().find((m) => m.id === id)?.status;

describe('an agent’s text routed through Aloware (real Postgres, simulated GHL and Aloware)', () => {
  it('the process dies after Aloware accepted it: never sent again, and its disposition still completes it', async () => {
    const phone = '+12025550211';
    const event = await agentText(phone, 'See you at noon');
    const diesAfterSend: Partial<RelayTools> = {
      async sendViaAloware(input) {
        await tools.sendViaAloware(input);
        throw new Error('connection lost before the answer');
      },
    };
    await expect(sendAgentText(event, deps(diesAfterSend))).rejects.toThrow('connection lost');
    await sendAgentText(event, deps());
    await sendAgentText(event, deps());
    expect(smsTo(phone)).toHaveLength(1);
    expect(status(event.entity.id!)).toBe('failed');
    expect(reasons).toContain('send_unconfirmed');

    await relayReport(disposition(smsTo(phone)[0]!), deps());
    expect(status(event.entity.id!)).toBe('delivered');
  });

  it('Aloware answered 429: nothing was accepted, so the retry sends it, once', async () => {
    const phone = '+12025550212';
    const event = await agentText(phone, 'Quote attached');
    aloware.failNext(1, { status: 429, path: '/sms-gateway/send' });
    await expect(sendAgentText(event, deps())).rejects.toThrow();
    expect(smsTo(phone)).toEqual([]);
    await sendAgentText(event, deps());
    await sendAgentText(event, deps());
    expect(smsTo(phone)).toHaveLength(1);
    const sms = smsTo(phone)[0]!;
    await relayReport(disposition(sms), deps());
    await relayReport(disposition(sms), deps());
    expect(status(event.entity.id!)).toBe('delivered');
    expect(reasons.at(-1)).toBe('duplicate');
  });

  it('a send Aloware refused with 429, retried after the person opted out, is refused, not sent', async () => {
    const phone = '+12025550214';
    const event = await agentText(phone, 'Still there?');
    aloware.failNext(1, { status: 429, path: '/sms-gateway/send' });
    await expect(sendAgentText(event, deps())).rejects.toThrow();
    await saveConsent(
      database.db,
      { tenant: ghl.locationId, phone },
      { optedOut: true, kind: 'keyword', source: 'aloware', keyword: 'STOP', changedAt: new Date() },
      randomUUID(),
    );
    await sendAgentText(event, deps());
    expect(smsTo(phone)).toEqual([]);
    expect(status(event.entity.id!)).toBe('failed');
    const row = await database.db
      .selectFrom('messaging_messages')
      .select('status')
      .where('ghl_message_id', '=', event.entity.id!)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('refused');
  });

  it('a disposition never goes to a send Aloware did not accept (queued by a 429, or refused for consent)', async () => {
    const phone = '+12025550215';
    const first = await agentText(phone, 'Same words');
    aloware.failNext(1, { status: 429, path: '/sms-gateway/send' });
    await expect(sendAgentText(first, deps())).rejects.toThrow();
    // A second text with the same body goes out while the first waits for its retry.
    const second = await agentText(phone, 'Same words');
    await sendAgentText(second, deps());
    await saveConsent(
      database.db,
      { tenant: ghl.locationId, phone },
      { optedOut: true, kind: 'keyword', source: 'texting', keyword: 'STOP', changedAt: new Date() },
      randomUUID(),
    );
    await sendAgentText(first, deps());
    expect(smsTo(phone)).toHaveLength(1);
    await relayReport(disposition(smsTo(phone)[0]!), deps());
    expect(status(second.entity.id!)).toBe('delivered');
    expect(status(first.entity.id!)).toBe('failed');
  });

  it('a refused text whose GHL status update failed is marked failed in GHL by the retry', async () => {
    const phone = '+12025550216';
    await saveConsent(
      database.db,
      { tenant: ghl.locationId, phone },
      { optedOut: true, kind: 'keyword', source: 'texting', keyword: 'STOP', changedAt: new Date() },
      randomUUID(),
    );
    const event = await agentText(phone, 'Last call');
    const ghlDown: Partial<RelayTools> = {
      async setMessageStatus() {
        throw Object.assign(new Error('GHL answered 503'), { status: 503 });
      },
    };
    await expect(sendAgentText(event, deps(ghlDown))).rejects.toThrow('503');
    await sendAgentText(event, deps());
    expect(smsTo(phone)).toEqual([]);
    // The agent must see that the text did not go out.
    expect(status(event.entity.id!)).toBe('failed');
  });

  it('an unconfirmed send whose GHL status update failed is marked failed in GHL by the retry, never resent', async () => {
    const phone = '+12025550217';
    const event = await agentText(phone, 'On my way');
    const diesAfterSend: Partial<RelayTools> = {
      async sendViaAloware(input) {
        await tools.sendViaAloware(input);
        throw new Error('connection lost before the answer');
      },
    };
    await expect(sendAgentText(event, deps(diesAfterSend))).rejects.toThrow('connection lost');
    const ghlDown: Partial<RelayTools> = {
      async setMessageStatus() {
        throw Object.assign(new Error('GHL answered 503'), { status: 503 });
      },
    };
    await expect(sendAgentText(event, deps(ghlDown))).rejects.toThrow('503');
    await sendAgentText(event, deps());
    expect(smsTo(phone)).toHaveLength(1);
    expect(status(event.entity.id!)).toBe('failed');
  });

  it('two texts to one phone: each disposition goes to the send with its body', async () => {
    const phone = '+12025550213';
    const first = await agentText(phone, 'First');
    const second = await agentText(phone, 'Second');
    await sendAgentText(first, deps());
    await sendAgentText(second, deps());
    const [one, two] = smsTo(phone);
    // The second's disposition arrives first, and says failed.
    await relayReport({ ...disposition(two!), type: 'sms.failed' } as never, deps());
    await relayReport(disposition(one!), deps());
    expect(status(first.entity.id!)).toBe('delivered');
    expect(status(second.entity.id!)).toBe('failed');
  });
});
