import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

// The edit sequences real teams produce, tried from outside through the tools (issue: contact-sync v2).
let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 600;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;
const ghlContacts = (s: TestSystem, phone: string) =>
  s.simulators!.ghl.contacts().filter((c) => c.phone === phone);
const outcomesWith = async (s: TestSystem, reason: string) =>
  (await s.outcomes()).filter((o) => o.error_message === reason).length;
const mapping = (s: TestSystem, phone: string) =>
  s.database.db
    .selectFrom('contact_mappings')
    .selectAll()
    .where('phone_number', '=', phone)
    .executeTakeFirst();
const ledgerErrors = async (s: TestSystem) =>
  (await s.database.db.selectFrom('webhook_events').select('status').execute()).filter(
    (r) => r.status === 'error',
  ).length;

/**
 * Every webhook answered and every ledger row decided: the next edit starts from a settled person, as a user's
 * edits seconds apart do (Aloware's contact webhooks carry no time of their own to order overlapping ones).
 */
async function quiet(s: TestSystem) {
  await s.settle();
  await waitFor('every event decided', async () => {
    const rows = await s.database.db.selectFrom('webhook_events').select('status').execute();
    return rows.every((r) => r.status !== 'pending');
  });
}

async function personInBothTools(s: TestSystem, firstName: string) {
  const phone = nextPhone();
  s.simulators!.aloware.createContact({ phone_number: phone, first_name: firstName });
  const ghlId = await waitFor(
    'the mapping',
    async () => (await mapping(s, phone))?.ghl_contact_id ?? undefined,
  );
  await waitFor('the echo of the GHL create', async () => (await outcomesWith(s, 'echo')) >= 1);
  return { phone, ghlId };
}

describe('contact-sync v2: edit sequences', () => {
  it('carries GHL edits Ann → Bob → Ann to Aloware every time', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Ann');
    s.simulators!.ghl.editContact(ghlId, { firstName: 'Bob' });
    await waitFor('Bob in Aloware', () => s.simulators!.aloware.contact(phone)?.first_name === 'Bob');
    s.simulators!.ghl.editContact(ghlId, { firstName: 'Ann' });
    await waitFor('Ann again in Aloware', () => s.simulators!.aloware.contact(phone)?.first_name === 'Ann');
  });

  it('carries DND true → false → true from GHL and DNC true → false → true from Aloware', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Dee');
    for (const dnd of [true, false, true]) {
      s.simulators!.ghl.editContact(ghlId, { dnd });
      await waitFor(`Aloware DNC ${dnd}`, () => s.simulators!.aloware.contact(phone)?.is_dnc === dnd);
      await quiet(s);
    }
    const callDnd = () => s.simulators!.ghl.contact(ghlId)?.dndSettings?.Call?.status;
    for (const dnc of [false, true, false]) {
      s.simulators!.aloware.setDnc(phone, dnc);
      await waitFor(`GHL calls DND ${dnc}`, () => callDnd() === (dnc ? 'active' : 'inactive'));
      await quiet(s);
    }
  });

  it('keeps consent per channel: an SMS-only DND never becomes Aloware DNC; an Aloware STOP blocks texts only', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Tex');
    const aloware = () => s.simulators!.aloware.contact(phone)!;
    s.simulators!.ghl.editContact(ghlId, { dndSettings: { SMS: { status: 'active' } } });
    await waitFor('the opt-out tag in Aloware', () => aloware().tags.some((t) => t.name === 'sms-opted-out'));
    expect(aloware().is_dnc).toBe(false);

    const other = await personInBothTools(s, 'Stop');
    s.simulators!.aloware.receiveSms({ from: other.phone, body: 'STOP' });
    s.simulators!.aloware.updateContact(other.phone, { last_name: 'Stopped' });
    const settings = () => s.simulators!.ghl.contact(other.ghlId)?.dndSettings;
    await waitFor('texts blocked in GHL', () => settings()?.SMS?.status === 'active');
    expect(settings()?.Call?.status ?? 'inactive').toBe('inactive');
    expect(s.simulators!.ghl.contact(other.ghlId)?.dnd ?? false).toBe(false);
  });

  it("keeps Aloware DNC through a later GHL name edit, and lifting it there keeps GHL's other blocks", async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Kay');
    s.simulators!.ghl.editContact(ghlId, { dndSettings: { Call: { status: 'active' } } });
    await waitFor('DNC in Aloware', () => s.simulators!.aloware.contact(phone)?.is_dnc === true);
    await quiet(s);
    s.simulators!.ghl.editContact(ghlId, { lastName: 'Renamed' });
    await waitFor('the name in Aloware', () => s.simulators!.aloware.contact(phone)?.last_name === 'Renamed');
    await quiet(s);
    expect(s.simulators!.aloware.contact(phone)?.is_dnc).toBe(true);

    const other = await personInBothTools(s, 'Gil');
    s.simulators!.ghl.editContact(other.ghlId, { dnd: true });
    await waitFor('DNC in Aloware', () => s.simulators!.aloware.contact(other.phone)?.is_dnc === true);
    await quiet(s);
    s.simulators!.aloware.setDnc(other.phone, false);
    const ghl = () => s.simulators!.ghl.contact(other.ghlId)!;
    // GHL's all-channel DND becomes per-channel settings: calls lifted, every other channel still blocked.
    await waitFor('the all-channel DND turned into channels', () => ghl().dnd === false);
    expect(ghl().dndSettings?.Call?.status).toBe('inactive');
    expect(ghl().dndSettings?.SMS?.status).toBe('active');
    expect(ghl().dndSettings?.Email?.status).toBe('active');
  });

  it("carries the owner both ways by the users' e-mail, and reports an owner with no match", async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Owen');
    const ghlUser = (email: string) => s.simulators!.ghl.users().find((u) => u.email === email)!.id;
    s.simulators!.ghl.editContact(ghlId, { assignedTo: ghlUser('grace.example@example.com') });
    await waitFor('Grace owns it in Aloware', () => s.simulators!.aloware.contact(phone)?.user_id === 120701);
    s.simulators!.aloware.updateContact(phone, { user_id: 120702 });
    await waitFor(
      'Alan owns it in GHL',
      () => s.simulators!.ghl.contact(ghlId)?.assignedTo === ghlUser('alan.example@example.com'),
    );
    s.simulators!.ghl.editContact(ghlId, { assignedTo: 'nobody-we-know' });
    await waitFor(
      'the unmatched owner reported',
      async () => (await outcomesWith(s, 'owner_unmatched')) >= 1,
    );
    await s.settle();
    expect(s.simulators!.aloware.contact(phone)?.user_id).toBe(120702);
  });

  it('respects a GHL delete when Aloware edits the person later: reported, not re-created, no dead letter', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Del');
    await contactToolsFor(s).ghlClient.deleteContact(ghlId);
    await waitFor('the mapping to be closed', async () => (await mapping(s, phone))?.deleted_in_ghl_at);
    s.simulators!.aloware.updateContact(phone, { last_name: 'After' });
    await waitFor('the skip to be reported', async () => (await outcomesWith(s, 'deleted_in_ghl')) >= 1);
    await s.settle();
    expect(ghlContacts(s, phone)).toHaveLength(0);
    expect(await ledgerErrors(s)).toBe(0);
  });

  it('reports a second Aloware contact with the same phone and keeps the first mapping', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'First');
    const first = s.simulators!.aloware.contact(phone)!;
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Second' }, { duplicate: true });
    await waitFor(
      'the duplicate to be reported',
      async () => (await outcomesWith(s, 'conflict: duplicate_in_aloware')) >= 1,
    );
    await s.settle();
    const row = await mapping(s, phone);
    expect(row).toMatchObject({ aloware_contact_id: String(first.id), ghl_contact_id: ghlId });
    expect(ghlContacts(s, phone)).toHaveLength(1);
    expect(s.simulators!.ghl.contact(ghlId)?.firstName).toBe('First');
    expect(await ledgerErrors(s)).toBe(0);
  });

  it('re-creates and re-maps a mapped GHL contact that vanished while its webhook was missed', async () => {
    system = await startTestSystem();
    const s = system;
    const { phone, ghlId } = await personInBothTools(s, 'Gone');
    const ghl = s.simulators!.ghl;
    ghl.setWebhookUrl(undefined); // the ContactDelete webhook is lost
    await contactToolsFor(s).ghlClient.deleteContact(ghlId);
    ghl.setWebhookUrl(`${s.ingressUrl}/webhooks/ghl`);
    s.simulators!.aloware.updateContact(phone, { last_name: 'Back' });
    const recreated = await waitFor('a new GHL contact', () => ghlContacts(s, phone)[0]);
    expect(recreated.id).not.toBe(ghlId);
    expect(recreated).toMatchObject({ firstName: 'Gone', lastName: 'Back' });
    await waitFor('the new mapping', async () => (await mapping(s, phone))?.ghl_contact_id === recreated.id);
    expect(await ledgerErrors(s)).toBe(0);
  });
});
