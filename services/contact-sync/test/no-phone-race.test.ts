import { randomUUID } from 'node:crypto';
import type { Database } from '@df/db';
import type { GhlSimulator } from '@df/simulators';
import { type TestDatabase, waitFor } from '@df/test-kit';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContactChange, type ContactSyncDeps, syncContact } from '../src/sync-contact.ts';
import { type ContactSyncFixture, startContactSyncFixture } from './tools-fixture.ts';

let fixture: ContactSyncFixture;
let database: TestDatabase;
let ghlSim: GhlSimulator;
beforeAll(async () => {
  fixture = await startContactSyncFixture();
  ({ database, ghlSim } = fixture);
});
afterAll(() => fixture.close());

const depsFor = (db: Kysely<Database>): ContactSyncDeps => fixture.depsFor(db);

/** The same database, counting the transactions begun through it (how often a change has tried its step). */
function counting(db: Kysely<Database>) {
  const counter = { transactions: 0 };
  const observed = new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') counter.transactions += 1;
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: observed, counter };
}

const change = (side: 'aloware' | 'ghl', sourceId: string, firstName: string): ContactChange => ({
  cause: { id: randomUUID(), correlationId: randomUUID(), tenant: 'co-1' },
  side,
  sourceId,
  snapshot: { firstName, lastName: 'Nophone' },
  at: new Date().toISOString(),
});

describe('contact-sync: a person with no phone or e-mail (real Postgres, simulated tools)', () => {
  it('converges on one mapping when GHL reports the contact before its creation is confirmed', async () => {
    const alowareId = `a-${randomUUID()}`;
    const deps = depsFor(database.db);
    const ghlSide = counting(database.db);
    let ghlChange: Promise<void> | undefined;
    const upsert = deps.tools.ghl.upsert;
    // GHL's report of the contact we just created (or a user's edit of it) is handled while our write is still
    // unconfirmed: it carries neither phone nor e-mail, so only the GHL id can name the person.
    deps.tools.ghl.upsert = async (fields, alowareContactId) => {
      const created = await upsert(fields, alowareContactId);
      const attempts = ghlSide.counter.transactions;
      const settled = { done: false };
      ghlChange = syncContact(change('ghl', created.id, 'Edited'), { ...depsFor(ghlSide.db) }).finally(() => {
        settled.done = true;
      });
      await waitFor(
        'the GHL change to decide or to wait',
        () => settled.done || ghlSide.counter.transactions > attempts + 1,
      );
      return created;
    };

    await syncContact(change('aloware', alowareId, 'Nora'), deps);
    await ghlChange;

    const mappings = await database.db
      .selectFrom('contact_mappings')
      .select(['aloware_contact_id', 'ghl_contact_id', 'field_states'])
      .where((eb) => eb.or([eb('aloware_contact_id', '=', alowareId), eb('ghl_contact_id', 'is not', null)]))
      .execute();
    const ghlContacts = ghlSim.contacts().filter((c) => c.lastName === 'Nophone');
    expect(ghlContacts).toHaveLength(1);
    expect(mappings).toEqual([
      expect.objectContaining({ aloware_contact_id: alowareId, ghl_contact_id: ghlContacts[0]!.id }),
    ]);
    // The GHL side's change was decided on that one mapping, after the creation was confirmed.
    expect(mappings[0]!.field_states).toMatchObject({ firstName: { value: 'Edited', source: 'ghl' } });
  });
});
