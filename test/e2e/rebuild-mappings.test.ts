import { randomUUID } from 'node:crypto';
import { contactMappingsProjection } from '@df/contact-sync';
import { type ContactMapped, contactMappedId, contactMappedKey, TOPICS } from '@df/contracts';
import type { EventProducer } from '@df/kafka';
import { createShadow, dropShadow, rebuildProjection } from '@df/replay';
import type { Infrastructure } from '@df/service-runtime';
import type { TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEventBus, type TestEventBus } from './event-bus.ts';

let database: TestDatabase;
let infra: Infrastructure;
let producer: EventProducer;
let close: TestEventBus['close'];

beforeAll(async () => {
  ({ database, infra, producer, close } = await startTestEventBus('rebuild-mappings', 3));
});
afterAll(async () => {
  await close();
});

const fact = (mappingId: string, version: number, patch: Partial<ContactMapped> = {}): ContactMapped => ({
  id: contactMappedId(mappingId, version),
  type: 'contact.mapped',
  tenant: 'loc-1',
  mappingId,
  version,
  alowareContactId: `al-${mappingId.slice(0, 8)}`,
  ghlContactId: `ghl-${mappingId.slice(0, 8)}-v${version}`,
  phone: `+1202555${String(version).padStart(4, '0')}`,
  email: null,
  closed: false,
  at: new Date(Date.UTC(2026, 11, 1, 12, version)).toISOString(),
  ...patch,
});

async function publishFacts(facts: ContactMapped[]) {
  const topic = `${infra.topicPrefix}${TOPICS.contactMappings}`;
  await producer.publish(
    topic,
    await infra.schemaIdFor(topic),
    facts.map((f) => ({ key: contactMappedKey(f), value: f })),
  );
}

const rows = () =>
  database.db
    .selectFrom('contact_mappings')
    .select([
      'id',
      'ghl_contact_id',
      'phone_number',
      'mapped_version',
      'published_version',
      'deleted_in_ghl_at',
    ])
    .orderBy('id')
    .execute();

describe("contact-sync's mappings rebuilt from contact.mapped facts (real Kafka and Postgres)", () => {
  it('keeps the highest version of each mapping whatever the order and copies, and leaves an unrelayed change alone', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    // a: versions out of order and twice (a phone change moves its facts to another key, hence partition);
    // b: closed by GHL's delete; c: known live at a version not relayed yet.
    await publishFacts([
      fact(a, 2),
      fact(a, 1),
      fact(a, 3),
      fact(a, 2),
      fact(b, 1),
      fact(b, 2, { closed: true }),
    ]);
    await publishFacts([fact(c, 1)]);
    await database.db
      .insertInto('contact_mappings')
      .values({
        id: c,
        tenant: 'loc-1',
        aloware_contact_id: 'al-live',
        ghl_contact_id: 'ghl-c-unrelayed',
        phone_number: '+12025559999',
        sync_direction: 'aloware_to_ghl',
        mapped_version: 2,
        published_version: 1,
      })
      .execute();

    const rebuilt = await rebuildProjection(infra, contactMappingsProjection);
    expect(rebuilt.records).toBe(7);
    expect(rebuilt.differences).toEqual([{ table: 'contact_mappings', differing: 2, extra: 0 }]);
    const byId = new Map((await rows()).map((r) => [r.id, r]));
    expect(byId.get(a)).toMatchObject({
      ghl_contact_id: fact(a, 3).ghlContactId,
      mapped_version: 3,
      published_version: 3,
    });
    expect(byId.get(b)).toMatchObject({ mapped_version: 2, deleted_in_ghl_at: expect.any(Date) });
    expect(byId.get(c)).toMatchObject({
      ghl_contact_id: 'ghl-c-unrelayed',
      mapped_version: 2,
      published_version: 1,
    });

    const again = await rebuildProjection(infra, contactMappingsProjection, { dryRun: true });
    expect(again.differences).toEqual([{ table: 'contact_mappings', differing: 0, extra: 0 }]);
  });

  it('passes through states the live table never held: an Aloware contact moving to another mapping', async () => {
    // Live, mapping a let go of Aloware contact X (version 2) before b took it; the facts say so in another
    // order (two partitions read side by side, or relayed in another order). The rebuild must still end where
    // the live table is, not fail on the live table's one-mapping-per-Aloware-contact rule half-way.
    const [a, b] = [randomUUID(), randomUUID()];
    const schema = await createShadow(database.db, 'probe', contactMappingsProjection.tables);
    const shadow = database.db.withSchema(schema);
    try {
      await contactMappingsProjection.write(shadow, [fact(a, 1, { alowareContactId: 'al-moved' })]);
      await contactMappingsProjection.write(shadow, [
        fact(b, 1, { alowareContactId: 'al-moved' }),
        fact(a, 2, { alowareContactId: 'al-new' }),
      ]);
      const rows = await shadow
        .selectFrom('contact_mappings')
        .select(['id', 'aloware_contact_id', 'mapped_version'])
        .execute();
      expect(rows.sort((x, y) => x.mapped_version - y.mapped_version || x.id.localeCompare(y.id))).toEqual([
        { id: b, aloware_contact_id: 'al-moved', mapped_version: 1 },
        { id: a, aloware_contact_id: 'al-new', mapped_version: 2 },
      ]);
    } finally {
      await dropShadow(database.db, schema);
    }
  });
});
