import { randomUUID } from 'node:crypto';
import { type ContactMapped, contactMappedId, contactMappedKey, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import { rebuild } from '@df/replay-service';
import { afterEach, describe, expect, it } from 'vitest';
import { caughtUp } from './rebuild-history.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 800;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

/** Every column the facts determine; `updated_at` is when call-sync wrote the row, its own clock. */
const contacts = (s: TestSystem) =>
  s.database.db
    .selectFrom('call_sync_contacts')
    .select([
      'mapping_id',
      'tenant',
      'version',
      'aloware_contact_id',
      'ghl_contact_id',
      'phone_number',
      'email',
      'closed',
      'fact_at',
    ])
    .orderBy('mapping_id')
    .execute();

const toolCalls = (s: TestSystem) => {
  const sims = s.simulators!;
  return sims.ghl.requests.length + sims.aloware.requests.length + sims.texting.requests.length;
};

/** Facts of one mapping as a relay retried after a crash and a phone change would leave them: out of order, twice. */
function shuffledFacts(mappingId: string): ContactMapped[] {
  const fact = (version: number, patch: Partial<ContactMapped> = {}): ContactMapped => ({
    id: contactMappedId(mappingId, version),
    type: 'contact.mapped',
    tenant: 'co-1',
    mappingId,
    version,
    alowareContactId: `al-${mappingId.slice(0, 6)}`,
    ghlContactId: `ghl-${mappingId.slice(0, 6)}-v${version}`,
    phone: `+1202556${String(version).padStart(4, '0')}`,
    email: null,
    closed: false,
    at: new Date(Date.UTC(2026, 11, 1, 12, version)).toISOString(),
    ...patch,
  });
  return [fact(2), fact(3, { closed: true }), fact(1), fact(2), fact(3, { closed: true })];
}

describe("call-sync's copy of the mappings rebuilt from contact.mapped (real Kafka, registry, Postgres)", () => {
  it('rebuilds call_sync_contacts equal to the live one, row by row, calling no tool', async () => {
    system = await startTestSystem({ callSync: { quietMs: 400, maxDelayMs: 5000 } });
    const s = system;
    const phones = [nextPhone(), nextPhone(), nextPhone()];
    for (const phone of phones)
      s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Calls' });
    const ghlIds = await waitFor('every person in call-sync’s copy', async () => {
      const rows = await contacts(s);
      const ids = phones.map((p) => rows.find((r) => r.phone_number === p)?.ghl_contact_id);
      return ids.every(Boolean) ? (ids as string[]) : undefined;
    });
    await contactToolsFor(s).ghlClient.deleteContact(ghlIds[2]!);
    await waitFor('the closed mapping in call-sync’s copy', async () =>
      (await contacts(s)).some((r) => r.phone_number === phones[2] && r.closed),
    );
    const producer = new EventProducer(s.infra.kafka, s.infra.codec);
    await producer.connect();
    const topic = `${s.infra.topicPrefix}${TOPICS.contactMappings}`;
    await producer.publish(
      topic,
      await s.infra.schemaIdFor(topic),
      shuffledFacts(randomUUID()).map((f) => ({ key: contactMappedKey(f), value: f })),
    );
    await producer.disconnect();
    await s.settle();
    await waitFor('call-sync at the end of the mappings topic', () =>
      caughtUp(s.infra, 'call-sync', [TOPICS.contactMappings]),
    );
    const live = await contacts(s);
    expect(live).toHaveLength(4);
    expect(live.filter((r) => r.closed)).toHaveLength(2);
    const calls = toolCalls(s);

    const [dry] = await rebuild(s.infra, 'call-sync', { dryRun: true });
    expect(dry).toMatchObject({ projection: 'call-sync-contacts', switched: false });
    expect(dry!.differences).toEqual([{ table: 'call_sync_contacts', differing: 0, extra: 0 }]);

    // A lost row, a row pointed at the wrong GHL contact, a closed one reopened, a row no fact makes.
    const [lost, wrong, reopened] = live;
    await s.database.db.deleteFrom('call_sync_contacts').where('mapping_id', '=', lost!.mapping_id).execute();
    await s.database.db
      .updateTable('call_sync_contacts')
      .set({ ghl_contact_id: 'wrong' })
      .where('mapping_id', '=', wrong!.mapping_id)
      .execute();
    await s.database.db
      .updateTable('call_sync_contacts')
      .set({ closed: !reopened!.closed })
      .where('mapping_id', '=', reopened!.mapping_id)
      .execute();
    await s.database.db
      .insertInto('call_sync_contacts')
      .values({ mapping_id: 'nobody', tenant: 'co-1', version: 1, closed: false, fact_at: new Date() })
      .execute();

    const [rebuilt] = await rebuild(s.infra, 'call-sync');
    expect(rebuilt).toMatchObject({ projection: 'call-sync-contacts', switched: true, logComplete: true });
    expect(rebuilt!.differences).toEqual([{ table: 'call_sync_contacts', differing: 3, extra: 1 }]);
    expect(await contacts(s)).toEqual(live);
    expect(toolCalls(s)).toBe(calls);
  });
});
