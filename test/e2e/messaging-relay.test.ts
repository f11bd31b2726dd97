import { loadSystemConfig } from '@df/all-in-one';
import { signTextingBody } from '@df/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMessagingSystem } from './messaging-harness.ts';
import { type TestSystem, waitFor } from './system-harness.ts';

let s: TestSystem;
const OUR_NUMBER = '+12025550100';

beforeAll(async () => {
  s = await startMessagingSystem();
  expect(s.messagingRelay).not.toBeNull();
}, 120_000);
afterAll(() => s?.stop());

const ghl = () => s.simulators!.ghl;
const texting = () => s.simulators!.texting;

/** An agent types a text in GHL's conversation (GHL's UI calls this; it triggers the provider webhook). */
async function agentSends(contactId: string, message: string): Promise<string> {
  const res = await fetch(`${ghl().url}/conversations/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ghl().pitToken}`,
      version: '2021-04-15',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ type: 'SMS', contactId, message }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messageId: string }).messageId;
}

/** The texting system delivering one of its webhooks again, freshly signed. */
async function redeliver(rawBody: string) {
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${s.ingressUrl}/webhooks/texting`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-texting-timestamp': String(ts),
      'x-texting-signature': signTextingBody(s.webhookCredentials.textingSecret, ts, rawBody),
    },
    body: rawBody,
  });
  expect(res.status).toBeLessThan(300);
}

const relayLog = (reason: string) =>
  s.database.db
    .selectFrom('sync_log')
    .select(['status', 'target_id', 'entity_id'])
    .where('service', '=', 'messaging-relay')
    .where('error_message', '=', reason)
    .execute();

const ghlMessage = (id: string) =>
  ghl()
    .messages()
    .find((m) => m.id === id);
const smsDnd = (contactId: string) => ghl().contact(contactId)?.dndSettings?.SMS?.status;

describe('messaging-relay (real Kafka, registry, Postgres; simulated tools)', () => {
  it('imports an inbound text into the contact’s GHL conversation once, however often it is redelivered', async () => {
    const phone = '+12025550161';
    const inbound = texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'Is the quote ready?' });
    const altId = inbound.carrierMessageId;
    const imported = await waitFor('the text in GHL', () =>
      ghl()
        .messages()
        .find((m) => m.altId === altId),
    );
    expect(imported).toMatchObject({
      direction: 'inbound',
      conversationProviderId: ghl().conversationProviderId,
    });
    expect(ghl().contact(imported.contactId)?.phone).toBe(phone);
    expect(
      ghl()
        .conversations()
        .find((c) => c.id === imported.conversationId)?.contactId,
    ).toBe(imported.contactId);

    const delivery = texting().deliveries.find(
      (d) => d.event === 'message.received' && (d.body as { messageId: string }).messageId === altId,
    )!;
    for (let i = 0; i < 5; i++) await redeliver(delivery.rawBody);
    // A later text of the same person is handled after the redeliveries (one key, in order).
    const later = texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'Hello?' });
    await waitFor('the later text in GHL', () =>
      ghl()
        .messages()
        .some((m) => m.altId === later.carrierMessageId),
    );
    expect(
      ghl()
        .messages()
        .filter((m) => m.altId === altId),
    ).toHaveLength(1);
    expect((await relayLog('duplicate')).length).toBeGreaterThanOrEqual(1);
    // GHL's InboundMessage webhook of our own import comes back and is recognized, not relayed again.
    await waitFor('the echo of the import recognized', async () =>
      (await relayLog('echo')).some((r) => r.entity_id === imported.id),
    );
  });

  it('sends an agent’s GHL text through the texting system once and reports it delivered to GHL', async () => {
    const phone = '+12025550162';
    const contact = ghl().seedContact({ firstName: 'Bo', phone }, { silent: true });
    // GHL refuses the provider's status updates for a few seconds after its provider webhook.
    ghl().failNext(3, { status: 403, path: '/status', method: 'PUT' });
    const messageId = await agentSends(contact.id, 'Your quote is ready');
    await waitFor('GHL to show the message delivered', () => ghlMessage(messageId)?.status === 'delivered');
    const sent = texting()
      .sent()
      .filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toBe('Your quote is ready');
    // The texting system's message.sent of our own send is recognized as our echo, not imported.
    await waitFor('the echo recognized', async () =>
      (await relayLog('echo')).some((r) => r.entity_id === sent[0]!.chatMessageId),
    );
    expect(
      ghl()
        .messages()
        .filter((m) => m.contactId === contact.id),
    ).toHaveLength(1);
    const statusCalls = ghl().requests.filter((r) => r.path.endsWith(`/${messageId}/status`));
    expect(statusCalls.map((r) => r.status)).toEqual([403, 403, 403, 200]);
  });

  it('imports an Aloware inbound SMS into the contact’s GHL conversation', async () => {
    const phone = '+12025550164';
    const received = s.simulators!.aloware.receiveSms({ from: phone, body: 'Calling back later' });
    const altId = String(received.communicationId);
    const imported = await waitFor('the text in GHL', () =>
      ghl()
        .messages()
        .find((m) => m.altId === altId),
    );
    expect(imported).toMatchObject({ direction: 'inbound', body: 'Calling back later' });
    expect(ghl().contact(imported.contactId)?.phone).toBe(phone);
  });

  it('STOP: later sends are refused with an outcome and GHL’s SMS DND is active; START lets them flow', async () => {
    const phone = '+12025550163';
    const contact = ghl().seedContact({ firstName: 'Cy', phone }, { silent: true });
    texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'Stop' });
    await waitFor('GHL SMS DND active', () => smsDnd(contact.id) === 'active');
    expect(ghl().contact(contact.id)?.dnd).toBe(false);
    // contact-sync carries GHL's SMS DND on to Aloware's opt-out (guarantee 10: within a minute).
    await waitFor(
      'the opt-out in Aloware',
      () => s.simulators!.aloware.contact(phone)?.tags.some((t) => t.name === 'sms-opted-out'),
      { timeoutMs: 60_000 },
    );

    const refused = await agentSends(contact.id, 'Last chance for the offer');
    await waitFor('GHL to show the refused message failed', () => ghlMessage(refused)?.status === 'failed');
    await waitFor('the refusal reported', async () =>
      (await relayLog('opted_out')).some((r) => r.entity_id === refused),
    );
    // Refused before the texting system was asked at all (not by its own 409).
    expect(texting().requests.filter((r) => (r.body as { to?: string } | undefined)?.to === phone)).toEqual(
      [],
    );

    texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'START' });
    await waitFor('GHL SMS DND lifted', () => smsDnd(contact.id) === 'inactive');
    const resumed = await agentSends(contact.id, 'Welcome back');
    await waitFor('the text delivered', () => ghlMessage(resumed)?.status === 'delivered');
    expect(
      texting()
        .sent()
        .filter((m) => m.to === phone),
    ).toHaveLength(1);
  });

  it('HELP gets the help reply on the texting channel, even from an opted-out number', async () => {
    const phone = '+12025550165';
    texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'STOP' });
    await waitFor('the opt-out in the registry', () =>
      s.database.db
        .selectFrom('messaging_consent')
        .select('opted_out')
        .where('phone', '=', phone)
        .executeTakeFirst()
        .then((r) => r?.opted_out === true),
    );
    texting().optIn(phone); // the texting system itself would refuse the reply otherwise
    texting().receiveInbound({ from: phone, to: OUR_NUMBER, body: 'help' });
    const reply = await waitFor('the help reply', () =>
      texting()
        .sent()
        .find((m) => m.to === phone),
    );
    expect(reply.body).toBe(loadSystemConfig({}).messaging.helpReply);
    // The body keyword and the texting system's optout.help are two events about one message: one reply.
    await waitFor(
      'both HELP events handled',
      async () => (await relayLog('help_reply')).filter((r) => r.entity_id === phone).length === 2,
    );
    expect(
      texting()
        .sent()
        .filter((m) => m.to === phone),
    ).toHaveLength(1);
  });

  it('a text sent from the texting app, outside GHL, is recorded once in the GHL conversation as outbound', async () => {
    const phone = '+12025550167';
    const contact = ghl().seedContact({ firstName: 'Gus', phone }, { silent: true });
    const providerCalls = ghl().providerEvents.length;
    const elsewhere = texting().sendFromPlatform({ from: OUR_NUMBER, to: phone, body: 'Sent from the app' });
    const imported = await waitFor('the text in GHL', () =>
      ghl()
        .messages()
        .find((m) => m.altId === elsewhere.chatMessageId),
    );
    expect(imported).toMatchObject({
      direction: 'outbound',
      contactId: contact.id,
      body: 'Sent from the app',
      conversationProviderId: ghl().conversationProviderId,
    });
    // Its message.delivered becomes the GHL status, as for our own sends.
    await waitFor('GHL to show it delivered', () => ghlMessage(imported.id)?.status === 'delivered');
    const sent = texting().deliveries.find(
      (d) =>
        d.event === 'message.sent' &&
        (d.body as { raw: { chatMessageId: string } }).raw.chatMessageId === elsewhere.chatMessageId,
    )!;
    for (let i = 0; i < 3; i++) await redeliver(sent.rawBody);
    await waitFor('the copies recognized', async () =>
      (await relayLog('duplicate')).some((r) => r.entity_id === elsewhere.chatMessageId),
    );
    expect(
      ghl()
        .messages()
        .filter((m) => m.altId === elsewhere.chatMessageId),
    ).toHaveLength(1);
    // Recorded, never sent: neither GHL's provider webhook nor the texting send API was involved.
    expect(ghl().providerEvents.length).toBe(providerCalls);
    expect(
      texting()
        .sent()
        .filter((m) => m.to === phone),
    ).toEqual([]);
  });

  it('a carrier failure of an agent’s text is reported to GHL as failed', async () => {
    const phone = '+12025550166';
    const contact = ghl().seedContact({ firstName: 'Fay', phone }, { silent: true });
    texting().failDeliveryTo(phone);
    const messageId = await agentSends(contact.id, 'Are you there?');
    await waitFor('GHL to show the message failed', () => ghlMessage(messageId)?.status === 'failed');
    expect(
      texting()
        .sent()
        .filter((m) => m.to === phone),
    ).toHaveLength(1);
  });
});
