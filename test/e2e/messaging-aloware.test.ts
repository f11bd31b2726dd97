import { loadSystemConfig } from '@df/all-in-one';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSends,
  agentSetsSmsDnd,
  optedOut,
  relayLog,
  startMessagingSystem,
} from './messaging-harness.ts';
import { type TestSystem, waitFor } from './system-harness.ts';

let s: TestSystem;
// The Aloware simulator's line.
const ALOWARE_LINE = '+12025550100';

beforeAll(async () => {
  // A routing rule sends every agent's text of the location through Aloware instead of the texting system.
  s = await startMessagingSystem({
    MESSAGING_ROUTES: JSON.stringify([{ via: 'aloware' }]),
    MESSAGING_ALOWARE_FROM: ALOWARE_LINE,
  });
}, 120_000);
afterAll(() => s?.stop());

const ghl = () => s.simulators!.ghl;
const aloware = () => s.simulators!.aloware;
const texting = () => s.simulators!.texting;
const status = (messageId: string) =>
  ghl()
    .messages()
    .find((m) => m.id === messageId)?.status;
const alowareSmsTo = (phone: string) => aloware().sentSms.filter((m) => m.to === phone);

describe('messaging-relay with a routing rule to Aloware (real Kafka, registry, Postgres)', () => {
  it('routing rule sends through Aloware: once, its disposition becomes the GHL status', async () => {
    const phone = '+12025550191';
    const contact = ghl().seedContact({ firstName: 'Al', phone }, { silent: true });
    const messageId = await agentSends(s, contact.id, 'Routed through the dialer');
    await waitFor('GHL to show the message delivered', () => status(messageId) === 'delivered');
    const sent = alowareSmsTo(phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: ALOWARE_LINE, message: 'Routed through the dialer' });
    expect(texting().requests.filter((r) => (r.body as { to?: string } | undefined)?.to === phone)).toEqual(
      [],
    );
    // Aloware's disposition of our own send is mapped to it (its id kept), not imported into GHL.
    const row = await waitFor('the send recorded delivered', () =>
      s.database.db
        .selectFrom('messaging_messages')
        .selectAll()
        .where('ghl_message_id', '=', messageId)
        .where('status', '=', 'delivered')
        .executeTakeFirst(),
    );
    expect(row).toMatchObject({
      via: 'aloware',
      status: 'delivered',
      aloware_communication_id: String(sent[0]!.communicationId),
    });
    expect(
      ghl()
        .messages()
        .filter((m) => m.contactId === contact.id),
    ).toHaveLength(1);
  });

  it('an Aloware disposition that failed marks the GHL message failed', async () => {
    const phone = '+12025550192';
    const contact = ghl().seedContact({ firstName: 'Bea', phone }, { silent: true });
    aloware().failSmsTo(phone);
    const messageId = await agentSends(s, contact.id, 'Will not arrive');
    await waitFor('GHL to show the message failed', () => status(messageId) === 'failed');
    expect(alowareSmsTo(phone)).toHaveLength(1);
  });

  it('consent is checked first: a number that texted STOP to Aloware is not texted through Aloware', async () => {
    const phone = '+12025550193';
    const contact = ghl().seedContact({ firstName: 'Cal', phone }, { silent: true });
    aloware().receiveSms({ from: phone, body: 'STOP' });
    await waitFor('the opt-out in the registry', async () => (await optedOut(s, phone))?.opted_out === true);
    const refused = await agentSends(s, contact.id, 'One more offer');
    await waitFor('GHL to show the refused message failed', () => status(refused) === 'failed');
    await waitFor('the refusal reported', async () =>
      (await relayLog(s, 'opted_out')).some((r) => r.entity_id === refused),
    );
    expect(alowareSmsTo(phone)).toEqual([]);
  });

  it('HELP texted to Aloware gets the help reply through Aloware, once', async () => {
    const phone = '+12025550194';
    aloware().receiveSms({ from: phone, body: 'info' });
    const reply = await waitFor('the help reply', () => alowareSmsTo(phone)[0]);
    expect(reply).toMatchObject({ from: ALOWARE_LINE, message: loadSystemConfig({}).messaging.helpReply });
    // Its disposition comes back as Aloware's outbound SMS webhook: our echo, nothing imported into GHL.
    await waitFor('the echo of the reply recognized', async () =>
      (await relayLog(s, 'echo')).some((r) => r.entity_id === String(reply.communicationId)),
    );
    expect(alowareSmsTo(phone)).toHaveLength(1);
    expect(
      ghl()
        .messages()
        .filter((m) => m.altId === String(reply.communicationId)),
    ).toEqual([]);
  });

  it('an agent’s SMS DND in GHL stops texts on every path; lifting it there lets them flow', async () => {
    const phone = '+12025550195';
    const contact = ghl().seedContact({ firstName: 'Dee', phone }, { silent: true });
    await agentSetsSmsDnd(s, contact.id, 'active');
    await waitFor(
      'the agent’s DND in the registry',
      async () => (await optedOut(s, phone))?.opted_out === true,
    );
    expect((await optedOut(s, phone))?.kind).toBe('ghl_dnd');
    const refused = await agentSends(s, contact.id, 'Are you free?');
    await waitFor('GHL to show the refused message failed', () => status(refused) === 'failed');
    expect(alowareSmsTo(phone)).toEqual([]);

    await agentSetsSmsDnd(s, contact.id, 'inactive');
    await waitFor('the registry lifted', async () => (await optedOut(s, phone))?.opted_out === false);
    const resumed = await agentSends(s, contact.id, 'Are you free now?');
    await waitFor('the text delivered', () => status(resumed) === 'delivered');
    expect(alowareSmsTo(phone)).toHaveLength(1);
  });

  it('a person’s STOP is not lifted by an agent lifting GHL’s SMS DND, and our own DND write is no agent’s', async () => {
    const phone = '+12025550196';
    const contact = ghl().seedContact({ firstName: 'Eve', phone }, { silent: true });
    aloware().receiveSms({ from: phone, body: 'STOP' });
    // The relay writes GHL's SMS DND; its ContactDndUpdate comes back and is recognized as ours.
    await waitFor(
      'GHL SMS DND active',
      () => ghl().contact(contact.id)?.dndSettings?.SMS?.status === 'active',
    );
    await waitFor('the echo of our DND write recognized', async () =>
      (await relayLog(s, 'echo')).some((r) => r.entity_id === contact.id),
    );
    expect((await optedOut(s, phone))?.kind).toBe('keyword');
    await agentSetsSmsDnd(s, contact.id, 'inactive');
    await waitFor('the lift refused', async () =>
      (await relayLog(s, 'opt_out_by_the_person')).some((r) => r.entity_id === contact.id),
    );
    expect((await optedOut(s, phone))?.opted_out).toBe(true);
  });
});
