import { generateKeyPairSync, sign } from 'node:crypto';
import { startContactSync } from '@df/contact-sync';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 100;
/** A fresh fictional number (NANP 555-01XX block) per contact. */
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const ghlContacts = (s: TestSystem, phone: string) =>
  s.simulators!.ghl.contacts().filter((c) => c.phone === phone);
const ghlRequests = (s: TestSystem, method: string, path: RegExp) =>
  s.simulators!.ghl.requests.filter((r) => r.method === method && path.test(r.path) && r.status < 300).length;
const alowareFormPosts = (s: TestSystem) =>
  s.simulators!.aloware.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/webhook/forms'))
    .length;
const outcomesWith = async (s: TestSystem, reason: string) =>
  (await s.outcomes()).filter((o) => o.error_message === reason).length;
const mapping = (s: TestSystem, phone: string) =>
  s.database.db
    .selectFrom('contact_mappings')
    .selectAll()
    .where('phone_number', '=', phone)
    .executeTakeFirst();

describe('contact-sync, end to end (real Kafka, registry, Postgres; simulated tools)', () => {
  it('creates an Aloware contact in GHL once, syncs a GHL edit back, stops each echo after one round', async () => {
    system = await startTestSystem();
    const s = system;
    const phone = nextPhone();
    s.simulators!.aloware.createContact({
      phone_number: phone,
      first_name: 'Ada',
      last_name: 'Example',
      email: 'ada@example.com',
    });

    const stored = await waitFor('the mapping with both ids', async () => {
      const row = await mapping(s, phone);
      return row?.ghl_contact_id && row.aloware_contact_id ? row : undefined;
    });
    await waitFor(
      'our own GHL write to come back as an echo',
      async () => (await outcomesWith(s, 'echo')) === 1,
    );
    const [created] = ghlContacts(s, phone);
    expect(ghlContacts(s, phone)).toHaveLength(1);
    expect(created).toMatchObject({
      id: stored.ghl_contact_id,
      firstName: 'Ada',
      lastName: 'Example',
      email: 'ada@example.com',
    });
    expect(String(s.simulators!.aloware.contact(phone)!.id)).toBe(stored.aloware_contact_id);
    // The Aloware id also lands in the location's "Aloware Contact Id" custom field.
    const alowareIdField = s
      .simulators!.ghl.customFields()
      .find((f) => f.fieldKey === 'contact.aloware_contact_id')!;
    expect(created!.customFields).toContainEqual(
      expect.objectContaining({ id: alowareIdField.id, value: stored.aloware_contact_id }),
    );
    expect(ghlRequests(s, 'POST', /^\/contacts\/upsert$/)).toBe(1);
    expect(alowareFormPosts(s)).toBe(0);

    // A user edits the contact in GHL: it reaches Aloware, and Aloware's echo is not written back to GHL.
    s.simulators!.ghl.editContact(created!.id, { firstName: 'Augusta' });
    await waitFor(
      'the GHL edit in Aloware',
      () => s.simulators!.aloware.contact(phone)?.first_name === 'Augusta',
    );
    await waitFor("Aloware's echo to be recognized", async () => (await outcomesWith(s, 'echo')) === 2);
    expect(ghlRequests(s, 'PUT', /^\/contacts\/[^/]+$/)).toBe(0);
    expect(alowareFormPosts(s)).toBe(1);

    // A real edit in Aloware after ours still flows.
    s.simulators!.aloware.updateContact(phone, { last_name: 'King' });
    await waitFor('the Aloware edit in GHL', () => ghlContacts(s, phone)[0]?.lastName === 'King');
    expect(ghlContacts(s, phone)).toHaveLength(1);
    const ledger = await s.database.db.selectFrom('webhook_events').select('status').execute();
    await waitFor(
      'every ledger row to be settled',
      async () =>
        (
          await s.database.db
            .selectFrom('webhook_events')
            .select('status')
            .where('status', '=', 'pending')
            .execute()
        ).length === 0,
    );
    expect(ledger.length).toBeGreaterThanOrEqual(4);

    // What happened is visible on /metrics: events per group and type, GHL calls by operation and status.
    const metrics = await (
      await fetch(`${s.ingressUrl}/metrics`, { headers: { authorization: `Bearer ${s.operatorToken}` } })
    ).text();
    expect(metrics).toMatch(
      /df_consumer_events_handled_total\{group="contact-sync",type="contact.created"\} [1-9]/,
    );
    expect(metrics).toMatch(/df_tool_api_calls_total\{tool="ghl",operation="upsertContact",status="200"\} 1/);
    // The location's daily GHL budget as GHL reports it (the simulator's default 200 000 a day).
    expect(metrics).toMatch(/df_ghl_daily_budget_limit 200000/);
    expect(metrics).toMatch(/df_ghl_daily_budget_remaining 19999\d/);
    expect(metrics).toMatch(/df_ingress_requests_total\{route="\/webhooks\/aloware",status="200"\} [1-9]/);
  });

  it('converges both tools when both sides are edited at nearly the same time', async () => {
    system = await startTestSystem();
    const s = system;
    const phone = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Ada' });
    await waitFor('the first echo', async () => (await outcomesWith(s, 'echo')) === 1);
    const ghlId = ghlContacts(s, phone)[0]!.id;

    s.simulators!.aloware.updateContact(phone, { first_name: 'FromAloware' });
    s.simulators!.ghl.editContact(ghlId, { firstName: 'FromGhl' });
    const agreed = await waitFor(
      'both tools to hold the same name',
      async () => {
        const pending = await s.database.db
          .selectFrom('webhook_events')
          .select('id')
          .where('status', '=', 'pending')
          .execute();
        await s.settle();
        const inAloware = s.simulators!.aloware.contact(phone)?.first_name;
        const inGhl = ghlContacts(s, phone)[0]?.firstName;
        return pending.length === 0 && inAloware === inGhl ? inGhl : undefined;
      },
      { timeoutMs: 45_000 },
    );
    expect(['FromAloware', 'FromGhl']).toContain(agreed);
    // The merged memory holds the winner with the source time that made it win.
    const row = await mapping(s, phone);
    expect((row!.field_states as Record<string, { value: string }>).firstName!.value).toBe(agreed);
  });

  it('applies a redelivered webhook once and lets the newest state win over out-of-order deliveries', async () => {
    const keys = {
      ed: generateKeyPairSync('ed25519'),
      rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    };
    const pem = (k: { export(o: object): string | Buffer }) =>
      k.export({ type: 'pkcs8', format: 'pem' }).toString();
    system = await startTestSystem({
      simulators: {
        ghlSigningKeys: {
          ed25519PrivatePem: pem(keys.ed.privateKey),
          rsaPrivatePem: pem(keys.rsa.privateKey),
        },
      },
    });
    const s = system;
    const phone = nextPhone();
    const seeded = s.simulators!.ghl.seedContact({ firstName: 'Newest', phone }, { silent: true });
    const update = (firstName: string, secondsAgo: number) =>
      JSON.stringify({
        type: 'ContactUpdate',
        locationId: s.tools.ghl.locationId,
        id: seeded.id,
        firstName,
        phone,
        tags: [],
        dnd: false,
        timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
        webhookId: crypto.randomUUID(),
      });
    const deliver = (body: string) =>
      fetch(`${s.ingressUrl}/webhooks/ghl`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ghl-signature': sign(null, Buffer.from(body), keys.ed.privateKey).toString('base64'),
        },
        body,
      });

    const newer = update('Newest', 10);
    const older = update('Older', 60);
    for (let i = 0; i < 20; i++) expect((await deliver(newer)).status).toBe(200);
    await waitFor(
      'the newer state in Aloware',
      () => s.simulators!.aloware.contact(phone)?.first_name === 'Newest',
    );
    for (let i = 0; i < 20; i++) expect((await deliver(older)).status).toBe(200);
    await waitFor(
      'the stale update to be decided',
      async () => (await outcomesWith(s, 'firstName: stale')) === 1,
    );

    expect(s.simulators!.aloware.contact(phone)?.first_name).toBe('Newest');
    expect(alowareFormPosts(s)).toBe(1);
    // GHL is not "corrected" back: the stale delivery is history, GHL already holds the newest value.
    expect(ghlRequests(s, 'PUT', /^\/contacts\//)).toBe(0);
    const ledger = await s.database.db
      .selectFrom('webhook_events')
      .select('dedupe_key')
      .where('source', '=', 'ghl')
      .execute();
    expect(ledger).toHaveLength(2);
  });

  it('rides out a GHL 429 storm and 5xx bursts: everything converges, nothing is lost or doubled', async () => {
    system = await startTestSystem();
    const s = system;
    s.simulators!.ghl.failNext(6, { status: 429, retryAfterSec: 1 });
    s.simulators!.ghl.failNext(4, { status: 503 });
    const phones = Array.from({ length: 5 }, nextPhone);
    for (const [i, phone] of phones.entries()) {
      s.simulators!.aloware.createContact({ phone_number: phone, first_name: `Person ${i}` });
    }
    await waitFor('every contact in GHL', () => phones.every((phone) => ghlContacts(s, phone).length === 1), {
      timeoutMs: 60_000,
    });
    const statuses = s.simulators!.ghl.requests.map((r) => r.status);
    expect(statuses.filter((st) => st === 429)).toHaveLength(6);
    expect(statuses.filter((st) => st === 503)).toHaveLength(4);
    for (const phone of phones) expect(ghlContacts(s, phone)).toHaveLength(1);
  });

  it('does not duplicate a contact GHL created while answering 422', async () => {
    system = await startTestSystem();
    const s = system;
    s.simulators!.ghl.failNextCreateAfterEffect(1, 422);
    const phone = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Grace' });
    const row = await waitFor(
      'the mapping',
      async () => (await mapping(s, phone))?.ghl_contact_id ?? undefined,
    );
    expect(ghlContacts(s, phone)).toHaveLength(1);
    expect(ghlContacts(s, phone)[0]!.id).toBe(row);
  });

  it('does not duplicate a contact when the work fails between the GHL write and the commit', async () => {
    let crashes = 0;
    system = await startTestSystem({
      wrapContactTools: (tools) => ({
        ...tools,
        ghl: {
          ...tools.ghl,
          async upsert(fields) {
            const result = await tools.ghl.upsert(fields);
            // As if the process died here: the GHL write happened, the transaction and offset did not.
            if (crashes++ === 0)
              throw Object.assign(new Error('connection lost before commit'), { code: 'ECONNRESET' });
            return result;
          },
        },
      }),
    });
    const s = system;
    const phone = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Hedy' });
    await waitFor('the mapping', async () => (await mapping(s, phone))?.ghl_contact_id);
    // The event is handled again: its write is repeated (an upsert finds the contact), or GHL's webhook
    // about the contact it created maps it first and the repeat becomes an update. One contact either way.
    await waitFor('the failed event to be handled again', async () => {
      const [row] = await s.infra.db
        .selectFrom('contact_sync_processed')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute();
      return Number(row?.n) >= 2;
    });
    expect(crashes).toBeGreaterThanOrEqual(1);
    expect(ghlContacts(s, phone)).toHaveLength(1);
  });

  it('runs as two instances of the group without double effects', async () => {
    system = await startTestSystem();
    const s = system;
    const second = await startContactSync(s.infra, contactToolsFor(s));
    try {
      const phones = Array.from({ length: 8 }, nextPhone);
      for (const phone of phones)
        s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Twin' });
      await waitFor('every contact in GHL', () => phones.every((p) => ghlContacts(s, p).length === 1), {
        timeoutMs: 60_000,
      });
      await waitFor(
        'every echo to be recognized',
        async () => (await outcomesWith(s, 'echo')) === phones.length,
      );
      expect(ghlRequests(s, 'POST', /^\/contacts\/upsert$/)).toBe(phones.length);
      expect(alowareFormPosts(s)).toBe(0);
    } finally {
      await second.stop();
    }
  });
});

describe('contact-sync: DND/DNC, deletes and "sync this contact now"', () => {
  it('carries Aloware DNC to GHL DND and back', async () => {
    system = await startTestSystem();
    const s = system;
    const phone = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Dina' });
    await waitFor('the contact in GHL', () => ghlContacts(s, phone).length === 1);
    const ghlId = ghlContacts(s, phone)[0]!.id;

    const callDnd = () => s.simulators!.ghl.contact(ghlId)?.dndSettings?.Call?.status;
    s.simulators!.aloware.setDnc(phone, true);
    await waitFor('calls blocked in GHL', () => callDnd() === 'active');
    s.simulators!.ghl.editContact(ghlId, { dndSettings: { Call: { status: 'inactive' } } });
    await waitFor('DNC lifted in Aloware', () => s.simulators!.aloware.contact(phone)?.is_dnc === false);
    await s.settle();
    expect(ghlContacts(s, phone)).toHaveLength(1);
  });

  it('closes the mapping when GHL deletes the contact and tags the Aloware contact', async () => {
    system = await startTestSystem();
    const s = system;
    const phone = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Del' });
    const ghlId = await waitFor(
      'the mapping',
      async () => (await mapping(s, phone))?.ghl_contact_id ?? undefined,
    );
    await contactToolsFor(s).ghlClient.deleteContact(ghlId);
    await waitFor('the mapping to be closed', async () => (await mapping(s, phone))?.deleted_in_ghl_at);
    await waitFor('the tag in Aloware', () =>
      (s.simulators!.aloware.contact(phone)?.tags ?? []).some((t) => t.name === 'deleted-in-ghl'),
    );
  });

  it('syncs a contact on request and answers with an outcome', async () => {
    system = await startTestSystem();
    const s = system;
    const phone = nextPhone();
    s.simulators!.ghl.seedContact(
      { firstName: 'Only', lastName: 'InGhl', phone, email: 'only@example.com' },
      { silent: true },
    );
    const response = await fetch(`${s.ingressUrl}/sync/contacts?phone=${encodeURIComponent(phone)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}` },
    });
    expect(response.status).toBe(202);
    await waitFor(
      'the contact in Aloware',
      () => s.simulators!.aloware.contact(phone)?.last_name === 'InGhl',
    );
    expect(s.simulators!.aloware.contact(phone)).toMatchObject({
      first_name: 'Only',
      email: 'only@example.com',
    });
    const { command } = (await response.json()) as { command: { id: string } };
    await waitFor('the outcome of the command', async () =>
      (
        await s.database.db.selectFrom('sync_log').selectAll().where('event_id', '=', command.id).execute()
      ).some((o) => o.direction === 'ghl_to_aloware' && o.status === 'created'),
    );
  });
});
