import { startContactSync } from '@df/contact-sync';
import { type ContactMapped, contactMappedId } from '@df/contracts';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mappedContact, projectContactMapped } from '../../services/call-sync/src/contacts.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

const fact = (version: number, patch: Partial<ContactMapped> = {}): ContactMapped => ({
  id: contactMappedId('map-1', version),
  type: 'contact.mapped',
  tenant: 'co-1',
  mappingId: 'map-1',
  version,
  alowareContactId: '77',
  ghlContactId: `ghl-v${version}`,
  phone: '+12025550190',
  email: null,
  closed: false,
  at: new Date(Date.UTC(2026, 11, 1, 12, version)).toISOString(),
  ...patch,
});

describe("call-sync's projection of contact.mapped (real Postgres)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  const row = () =>
    database.db
      .selectFrom('call_sync_contacts')
      .selectAll()
      .where('mapping_id', '=', 'map-1')
      .executeTakeFirst();

  it('keeps the highest version whatever order and however often the facts arrive', async () => {
    const { db } = database;
    await projectContactMapped(fact(2), db);
    await projectContactMapped(fact(1), db); // stale: arrived late
    await projectContactMapped(fact(2), db); // redelivered
    expect(await row()).toMatchObject({ version: 2, ghl_contact_id: 'ghl-v2', closed: false });

    await projectContactMapped(fact(3, { closed: true, phone: '+12025550191' }), db);
    await projectContactMapped(fact(2), db);
    expect(await row()).toMatchObject({
      version: 3,
      ghl_contact_id: 'ghl-v3',
      closed: true,
      phone_number: '+12025550191',
    });
  });

  it('finds a call’s person by Aloware id, then by phone, and tells when GHL deleted the contact', async () => {
    const { db } = database;
    await projectContactMapped(
      fact(1, { mappingId: 'map-2', alowareContactId: '88', ghlContactId: 'g-88', phone: '+12025550192' }),
      db,
    );
    expect(await mappedContact(db, { alowareContactId: '88', contactPhone: null })).toEqual({
      ghlContactId: 'g-88',
      closed: false,
    });
    expect(await mappedContact(db, { alowareContactId: 'unknown', contactPhone: '+12025550192' })).toEqual({
      ghlContactId: 'g-88',
      closed: false,
    });
    // map-1 is closed at version 3 (previous test).
    expect(await mappedContact(db, { alowareContactId: '77', contactPhone: null })).toEqual({
      ghlContactId: 'ghl-v3',
      closed: true,
    });
    expect(await mappedContact(db, { alowareContactId: null, contactPhone: '+12025550199' })).toBeNull();
  });
});

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const callSync = { quietMs: 400, maxDelayMs: 5000 };
let phoneCounter = 400;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const contactUpserts = (s: TestSystem) =>
  s.simulators!.ghl.requests.filter(
    (r) => r.method === 'POST' && r.path === '/contacts/upsert' && r.status < 300,
  ).length;
const projected = (s: TestSystem, alowareId: string) =>
  s.database.db
    .selectFrom('call_sync_contacts')
    .selectAll()
    .where('aloware_contact_id', '=', alowareId)
    .executeTakeFirst();
const settledCall = async (s: TestSystem) => {
  const calls = await s.database.db.selectFrom('call_notes').select(['dirty', 'ghl_contact_id']).execute();
  return calls.length === 1 && !calls[0]!.dirty ? calls[0]! : undefined;
};

describe('call-sync finds the GHL contact through its own copy of the mappings (end to end)', () => {
  it('notes a call for a person contact-sync mapped on that GHL contact, without looking it up in GHL', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const phone = nextPhone();
    const aloware = s.simulators!.aloware.createContact({
      phone_number: phone,
      first_name: 'Ada',
      last_name: 'Mapped',
    });
    const alowareId = String(aloware.id);
    const row = await waitFor('the mapping in call-sync’s projection', async () => {
      const r = await projected(s, alowareId);
      return r?.ghl_contact_id ? r : undefined;
    });
    const mapping = await s.database.db
      .selectFrom('contact_mappings')
      .select(['id', 'ghl_contact_id'])
      .where('aloware_contact_id', '=', alowareId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      mapping_id: mapping.id,
      ghl_contact_id: mapping.ghl_contact_id,
      phone_number: phone,
      closed: false,
    });
    const upsertsBefore = contactUpserts(s);

    s.simulators!.aloware.placeOutboundCall({ contactPhone: phone, callDisposition: 'Call back' });
    const call = await waitFor('the call written to GHL', () => settledCall(s), { timeoutMs: 30_000 });
    expect(call.ghl_contact_id).toBe(mapping.ghl_contact_id);
    expect(s.simulators!.ghl.notes(mapping.ghl_contact_id!)).toHaveLength(1);
    // contact-sync made the GHL contact; call-sync took it from its projection instead of upserting by phone.
    expect(contactUpserts(s)).toBe(upsertsBefore);
  });

  it('writes no call to a person GHL deleted (the closed mapping), and does not re-create the contact', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const phone = nextPhone();
    const aloware = s.simulators!.aloware.createContact({
      phone_number: phone,
      first_name: 'Gone',
      last_name: 'Person',
    });
    const alowareId = String(aloware.id);
    const { ghl_contact_id: ghlId } = await waitFor('the mapping in call-sync’s projection', async () => {
      const r = await projected(s, alowareId);
      return r?.ghl_contact_id ? r : undefined;
    });
    await contactToolsFor(s).ghlClient.deleteContact(ghlId!);
    await waitFor(
      'the closed mapping in call-sync’s projection',
      async () => (await projected(s, alowareId))?.closed,
    );

    s.simulators!.aloware.placeOutboundCall({ contactPhone: phone, callDisposition: 'Call back' });
    await waitFor('the call settled', () => settledCall(s), { timeoutMs: 30_000 });
    const [call] = await s.database.db
      .selectFrom('call_notes')
      .select(['skipped_reason', 'ghl_note_id'])
      .execute();
    expect(call).toEqual({ skipped_reason: 'deleted_in_ghl', ghl_note_id: null });
    expect(s.simulators!.ghl.contacts().filter((c) => c.phone === phone)).toHaveLength(0);
  });

  it('fills the projection from mappings made before the facts existed, at contact-sync’s start-up', async () => {
    system = await startTestSystem({ callSync });
    const s = system;
    const phone = nextPhone();
    const aloware = s.simulators!.aloware.createContact({
      phone_number: phone,
      first_name: 'Old',
      last_name: 'Mapping',
    });
    const alowareId = String(aloware.id);
    await waitFor(
      'the mapping in call-sync’s projection',
      async () => (await projected(s, alowareId))?.ghl_contact_id,
    );
    await s.settle();
    await s.consumers.contactSync.stop();

    // An existing deployment upgrading: call-sync has no copy yet, contact-sync's rows were never published.
    await s.database.db.deleteFrom('call_sync_contacts').execute();
    await s.database.db
      .updateTable('contact_mappings')
      .set({ mapped_version: 1, published_version: 0 })
      .execute();
    const restarted = await startContactSync(s.infra, contactToolsFor(s));
    try {
      const row = await waitFor('the backfilled mapping', () => projected(s, alowareId));
      expect(row.version).toBe(1);
      const mapping = await s.database.db
        .selectFrom('contact_mappings')
        .select(['ghl_contact_id', 'published_version'])
        .where('aloware_contact_id', '=', alowareId)
        .executeTakeFirstOrThrow();
      expect(row.ghl_contact_id).toBe(mapping.ghl_contact_id);
      expect(mapping.published_version).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});
