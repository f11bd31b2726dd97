import { randomUUID } from 'node:crypto';
import { type EventOfType, nameUuid } from '@df/contracts';
import type { OutcomeInput } from '@df/service-runtime';
import {
  type GhlSimulator,
  startGhlSimulator,
  startTextingSimulator,
  type TextingSimulator,
} from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { createTextingClient } from '@df/texting-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConsent, replyToHelp } from '../src/consent.ts';
import type { RelayDeps } from '../src/deps.ts';
import { relayInbound } from '../src/inbound.ts';
import { sendAgentText } from '../src/outbound.ts';
import { relayReport } from '../src/reports.ts';
import { createRelayTools, type RelayTools } from '../src/tools.ts';
import { agentSendsInGhl, oauthGhlClient } from './ghl-fixtures.ts';

// The handlers against the real Postgres and the simulated GHL and texting system; no Kafka needed (the
// handlers never see it), so crashes can be placed exactly between a tool call and its record.
let database: TestDatabase;
let ghl: GhlSimulator;
let texting: TextingSimulator;
let tools: RelayTools;
const outcomes: OutcomeInput[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  ghl = await startGhlSimulator({ port: 0 });
  texting = await startTextingSimulator({ port: 0, autoDeliver: false });
  const client = await oauthGhlClient(ghl);
  const textingClient = createTextingClient({ baseUrl: texting.url, apiKey: texting.apiKey });
  tools = createRelayTools(client, textingClient, {
    conversationProviderId: ghl.conversationProviderId,
    statusRetryIntervalMs: 50,
  });
});
afterAll(async () => {
  await Promise.all([ghl?.close(), texting?.close()]);
  await database?.drop();
});

const deps = (over: Partial<RelayTools> = {}): RelayDeps => ({
  db: database.db,
  tools: { ...tools, ...over },
  config: { tenant: ghl.locationId, helpReply: null, cutOverPendingTenants: ['acct-still-writing-ghl'] },
  report: async (_cause, outcome) => void outcomes.push(outcome),
});

const envelope = <T extends string>(type: T, source: string, data: object, entityId: string | null) =>
  ({
    id: randomUUID(),
    type,
    source,
    sourceEventName: type,
    tenant: source,
    entity: { type: type.startsWith('consent') ? 'contact' : 'message', id: entityId },
    naturalKey: 'k',
    occurredAt: new Date().toISOString(),
    dedupeKey: randomUUID(),
    receivedAt: new Date().toISOString(),
    correlationId: randomUUID(),
    raw: {},
    data,
  }) as never;

const sms = (phone: string, messageId: string, body: string) => ({
  messageId,
  chatMessageId: null,
  conversationId: null,
  alowareContactId: null,
  ghlContactId: null,
  contactPhone: phone,
  from: phone,
  to: '+12025550100',
  body,
  direction: 'inbound',
  status: 'received',
  error: null,
  mediaUrls: [],
  agentId: null,
  sentAt: null,
});

const reasonsOf = (id: string) => outcomes.filter((o) => o.id === id).map((o) => o.reason);

describe('messaging-relay handlers (real Postgres, simulated GHL and texting)', () => {
  it('a crash after GHL imported a text, before its id was recorded, does not import it twice', async () => {
    const event: EventOfType<'sms.received'> = envelope(
      'sms.received',
      'texting',
      sms('+12025550171', 'carrier-1', 'hi'),
      'carrier-1',
    );
    let crashed = false;
    const crashAfterImport: Partial<RelayTools> = {
      async importMessage(input) {
        await tools.importMessage(input);
        crashed = true;
        throw new Error('process died before the commit');
      },
    };
    await expect(relayInbound(event, deps(crashAfterImport))).rejects.toThrow('process died');
    expect(crashed).toBe(true);
    await relayInbound(event, deps());
    for (let i = 0; i < 5; i++) await relayInbound(event, deps());
    expect(ghl.messages().filter((m) => m.altId === 'carrier-1')).toHaveLength(1);
    expect(reasonsOf(nameUuid(`${event.id}:messaging-relay:imported`))).toEqual(['recovered']);
    expect(reasonsOf(nameUuid(`${event.id}:messaging-relay:skip`))).toEqual(Array(5).fill('duplicate'));
  });

  it('a person’s later texts reuse the remembered conversation, and one GHL no longer has is looked up again', async () => {
    const phone = '+12025550175';
    const text = (id: string) =>
      envelope('sms.received', 'texting', sms(phone, id, 'hello'), id) as EventOfType<'sms.received'>;
    await relayInbound(text('carrier-3'), deps());
    const before = ghl.requests.length;
    await relayInbound(text('carrier-4'), deps());
    expect(ghl.requests.slice(before).map((r) => r.path)).toEqual(['/conversations/messages/inbound']);

    await database.db
      .updateTable('messaging_messages')
      .set({ ghl_conversation_id: 'gone' })
      .where('phone', '=', phone)
      .execute();
    await relayInbound(text('carrier-5'), deps());
    const imported = ghl.messages().filter((m) => m.altId?.startsWith('carrier-') && m.contactId);
    const conversations = new Set(
      imported
        .filter((m) => ['carrier-3', 'carrier-4', 'carrier-5'].includes(m.altId!))
        .map((m) => m.conversationId),
    );
    expect(conversations.size).toBe(1);
    expect(ghl.messages().filter((m) => m.altId === 'carrier-5')).toHaveLength(1);
  });

  it('a text sent from the texting app: a crash after GHL recorded it, before its id was, records it once', async () => {
    const phone = '+12025550176';
    const report = (type: string) =>
      envelope(
        type,
        'texting',
        {
          ...sms(phone, 'carrier-6', 'sent from the app'),
          chatMessageId: 'msg_app_1',
          direction: 'outbound',
        },
        'carrier-6',
      ) as EventOfType<'sms.sent'>;
    const sent = report('sms.sent');
    const crashAfterImport: Partial<RelayTools> = {
      async importMessage(input) {
        await tools.importMessage(input);
        throw new Error('process died before the commit');
      },
    };
    await expect(relayReport(sent, deps(crashAfterImport))).rejects.toThrow('process died');
    await relayReport(sent, deps());
    await relayReport(sent, deps());
    await relayReport(report('sms.delivered'), deps());
    const imported = ghl.messages().filter((m) => m.altId === 'msg_app_1');
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ direction: 'outbound', status: 'delivered' });
    expect(reasonsOf(nameUuid(`${sent.id}:messaging-relay:imported`))).toEqual(['sent_elsewhere_recovered']);
    expect(texting.sent().filter((m) => m.to === phone)).toEqual([]);
  });

  it('cut-over: a tenant whose texting system still writes to GHL gets nothing imported', async () => {
    const event: EventOfType<'sms.received'> = {
      ...(envelope(
        'sms.received',
        'texting',
        sms('+12025550174', 'carrier-2', 'hi'),
        'carrier-2',
      ) as EventOfType<'sms.received'>),
      tenant: 'acct-still-writing-ghl',
    };
    await relayInbound(event, deps());
    expect(reasonsOf(nameUuid(`${event.id}:messaging-relay:skip`))).toEqual(['cut_over_pending']);
    expect(ghl.messages().filter((m) => m.altId === 'carrier-2')).toEqual([]);
  });

  it('a crash after the texting system accepted a send, before it was recorded, texts once', async () => {
    const phone = '+12025550172';
    const contact = ghl.seedContact({ firstName: 'Di', phone }, { silent: true });
    const event: EventOfType<'sms.send_requested'> = envelope(
      'sms.send_requested',
      'ghl',
      { ...sms(phone, 'ghl-msg-1', 'see you at 3'), direction: 'outbound', ghlContactId: contact.id },
      'ghl-msg-1',
    );
    const crashAfterSend: Partial<RelayTools> = {
      async sendText(input) {
        await tools.sendText(input);
        throw new Error('process died before the commit');
      },
    };
    await expect(sendAgentText(event, deps(crashAfterSend))).rejects.toThrow('process died');
    await sendAgentText(event, deps());
    await sendAgentText(event, deps());
    expect(texting.sent().filter((m) => m.to === phone)).toHaveLength(1);
    const row = await database.db
      .selectFrom('messaging_messages')
      .selectAll()
      .where('ghl_message_id', '=', 'ghl-msg-1')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'sent',
      texting_chat_message_id: texting.sent().find((m) => m.to === phone)!.chatMessageId,
    });
  });

  it('a 409 "opted out" from the texting system reaches GHL as SMS DND, not only the registry', async () => {
    const phone = '+12025550174';
    const contact = ghl.seedContact({ firstName: 'Fay', phone }, { silent: true });
    // The texting system had a STOP the middleware never heard of.
    texting.optOut(phone);
    const messageId = await agentSendsInGhl(ghl, contact.id, 'are you coming?');
    const event: EventOfType<'sms.send_requested'> = envelope(
      'sms.send_requested',
      'ghl',
      { ...sms(phone, messageId, 'are you coming?'), direction: 'outbound', ghlContactId: contact.id },
      messageId,
    );
    // The process dies after recording the opt-out, before GHL is told; the redelivery tells it.
    const diesBeforeGhl: Partial<RelayTools> = {
      async setSmsDnd() {
        throw new Error('process died before GHL was told');
      },
    };
    await expect(sendAgentText(event, deps(diesBeforeGhl))).rejects.toThrow('process died');
    await sendAgentText(event, deps());
    expect(texting.sent().filter((m) => m.to === phone)).toEqual([]);
    expect(ghl.messages().find((m) => m.id === messageId)?.status).toBe('failed');
    const registry = await database.db
      .selectFrom('messaging_consent')
      .selectAll()
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    expect(registry.opted_out).toBe(true);
    // GHL (and through contact-sync, Aloware) must know too, as for a STOP keyword.
    const dnd = ghl.contact(contact.id)?.dndSettings as Record<string, { status?: string }> | undefined;
    expect(dnd?.SMS?.status).toBe('active');
  });

  it('the texting system’s reports of our HELP reply are our echo: nothing is imported into GHL', async () => {
    const phone = '+12025550177';
    const withHelp = (): RelayDeps => ({
      ...deps(),
      config: { ...deps().config, helpReply: 'Reply STOP to end' },
    });
    const help: EventOfType<'consent.help_requested'> = envelope(
      'consent.help_requested',
      'texting',
      {
        phone,
        keyword: 'HELP',
        channel: 'sms',
        messageId: 'carrier-7',
        alowareContactId: null,
        ghlContactId: null,
      },
      null,
    );
    await replyToHelp(help, withHelp());
    const reply = texting.sent().find((m) => m.to === phone);
    expect(reply?.body).toBe('Reply STOP to end');
    const report = (type: string) =>
      envelope(
        type,
        'texting',
        {
          ...sms(phone, 'carrier-8', reply!.body),
          chatMessageId: reply!.chatMessageId,
          direction: 'outbound',
        },
        'carrier-8',
      ) as EventOfType<'sms.sent'>;
    const sent = report('sms.sent');
    const delivered = report('sms.delivered');
    await relayReport(sent, withHelp());
    await relayReport(delivered, withHelp());
    expect(ghl.messages().filter((m) => m.altId === reply!.chatMessageId)).toEqual([]);
    expect(reasonsOf(nameUuid(`${sent.id}:messaging-relay:skip`))).toEqual(['echo']);
    expect(reasonsOf(nameUuid(`${delivered.id}:messaging-relay:skip`))).toEqual(['echo']);
  });

  it('an older START never lifts a newer STOP', async () => {
    const phone = '+12025550173';
    ghl.seedContact({ firstName: 'Ed', phone }, { silent: true });
    const consent = (keyword: string) => ({
      phone,
      keyword,
      channel: 'sms',
      messageId: null,
      alowareContactId: null,
      ghlContactId: null,
    });
    const stop: EventOfType<'consent.opted_out'> = envelope(
      'consent.opted_out',
      'texting',
      consent('STOP'),
      null,
    );
    const start: EventOfType<'consent.opted_in'> = {
      ...(envelope('consent.opted_in', 'aloware', consent('START'), null) as EventOfType<'consent.opted_in'>),
      occurredAt: new Date(Date.parse(stop.occurredAt) - 60_000).toISOString(),
    };
    await applyConsent(stop, deps());
    await applyConsent(start, deps());
    expect(reasonsOf(nameUuid(`${start.id}:messaging-relay:skipped`))).toEqual(['stale']);
    const row = await database.db
      .selectFrom('messaging_consent')
      .selectAll()
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ opted_out: true, keyword: 'STOP', source: 'texting' });
  });
});
