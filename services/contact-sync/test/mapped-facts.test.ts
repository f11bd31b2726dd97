import type { ContactMapped } from '@df/contracts';
import { contactMappedId } from '@df/contracts';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPerson, type PersonState } from '../src/domain/plan.ts';
import { relayMappedFacts } from '../src/mapped-facts.ts';
import { loadPerson, savePerson } from '../src/store.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** What the relay hands to Kafka, kept in order (the real producer is exercised end to end). */
function collector() {
  const published: ContactMapped[] = [];
  return { published, publish: async (facts: ContactMapped[]) => void published.push(...facts) };
}

const person = (patch: Partial<PersonState>): PersonState => ({ ...newPerson('co-1'), ...patch });
const versions = (id: string) =>
  database.db
    .selectFrom('contact_mappings')
    .select(['mapped_version', 'published_version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('contact.mapped facts (contact-sync outbox on the mapping rows, real Postgres)', () => {
  it('publishes a new mapping once, and again only when its ids, phone, e-mail or closed state change', async () => {
    const { db } = database;
    const { published, publish } = collector();
    const first = person({ alowareContactId: 'a-1', phone: '+12025550101' });
    const id = await savePerson(db, undefined, first, 'aloware_to_ghl', null);
    expect(await relayMappedFacts(db, publish, { mappingIds: [id] })).toBe(1);
    expect(published).toEqual([
      expect.objectContaining({
        id: contactMappedId(id, 1),
        mappingId: id,
        version: 1,
        tenant: 'co-1',
        alowareContactId: 'a-1',
        ghlContactId: null,
        phone: '+12025550101',
        closed: false,
      }),
    ]);
    expect(await relayMappedFacts(db, publish, { mappingIds: [id] })).toBe(0);

    // A field merge or echo memory only: nothing for other services.
    const merged = person({
      ...first,
      fields: { firstName: { value: 'Ada', at: '2026-12-01T00:00:00Z', source: 'aloware' } },
      pendingEchoes: { aloware: [], ghl: ['fingerprint'] },
    });
    await savePerson(db, id, merged, 'aloware_to_ghl', first);
    expect(await relayMappedFacts(db, publish, { mappingIds: [id] })).toBe(0);

    const confirmed = { ...merged, ghlContactId: 'g-1' };
    await savePerson(db, id, confirmed, 'aloware_to_ghl', merged);
    const closed = { ...confirmed, deletedInGhlAt: '2026-12-01T10:00:00.000Z' };
    await savePerson(db, id, closed, 'ghl_to_aloware', confirmed);
    // Two changes before a relay: the latest state goes out, at the latest version.
    expect(await relayMappedFacts(db, publish, { mappingIds: [id] })).toBe(1);
    expect(published.at(-1)).toMatchObject({ version: 3, ghlContactId: 'g-1', closed: true });
    expect(await versions(id)).toEqual({ mapped_version: 3, published_version: 3 });
    expect((await loadPerson(db, id))?.state.ghlContactId).toBe('g-1');
  });

  it('keeps a mapping pending when it changes while its previous version is being published', async () => {
    const { db } = database;
    const before = person({ alowareContactId: 'a-2', phone: '+12025550102' });
    const id = await savePerson(db, undefined, before, 'aloware_to_ghl', null);
    const published: ContactMapped[] = [];
    let changedMeanwhile = false;
    await relayMappedFacts(
      db,
      async (facts) => {
        published.push(...facts);
        if (changedMeanwhile) return;
        changedMeanwhile = true;
        await savePerson(db, id, { ...before, ghlContactId: 'g-2' }, 'aloware_to_ghl', before);
      },
      { mappingIds: [id] },
    );
    // Version 1 went out, then version 2 in the same relay (it loops until nothing is pending).
    expect(published.map((f) => [f.version, f.ghlContactId])).toEqual([
      [1, null],
      [2, 'g-2'],
    ]);
    expect(await versions(id)).toEqual({ mapped_version: 2, published_version: 2 });
  });

  it('publishes mappings that existed before the facts did (the backfill after the migration)', async () => {
    const { db } = database;
    // A row as an older contact-sync wrote it: the migration leaves it at version 1, published 0.
    const old = await db
      .insertInto('contact_mappings')
      .values({
        aloware_contact_id: 'a-3',
        ghl_contact_id: 'g-3',
        phone_number: '+12025550103',
        email: 'old@example.com',
        sync_direction: 'aloware_to_ghl',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { published, publish } = collector();
    expect(await relayMappedFacts(db, publish, 'all', 1)).toBe(1);
    expect(published).toEqual([
      expect.objectContaining({
        mappingId: old.id,
        version: 1,
        tenant: 'unknown',
        alowareContactId: 'a-3',
        ghlContactId: 'g-3',
        email: 'old@example.com',
        closed: false,
      }),
    ]);
    expect(await relayMappedFacts(db, publish, 'all')).toBe(0);
  });

  it('relays only the handler’s own mapping, and another’s once it is a leftover', async () => {
    const { db } = database;
    const mine = await savePerson(db, undefined, person({ alowareContactId: 'a-4' }), 'aloware_to_ghl', null);
    const other = await savePerson(
      db,
      undefined,
      person({ alowareContactId: 'a-5' }),
      'aloware_to_ghl',
      null,
    );
    const { published, publish } = collector();
    expect(await relayMappedFacts(db, publish, { mappingIds: [mine] })).toBe(1);
    // Just saved by another handler, which relays it itself.
    expect(await relayMappedFacts(db, publish, { olderThanMs: 60_000 })).toBe(0);
    // Left behind (that handler crashed before relaying): picked up once older than the threshold.
    expect(await relayMappedFacts(db, publish, { olderThanMs: 0 })).toBe(1);
    expect(published.map((f) => f.mappingId)).toEqual([mine, other]);
  });
});
