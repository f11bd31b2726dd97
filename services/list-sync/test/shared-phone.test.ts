import { randomUUID } from 'node:crypto';
import { createAlowareClient } from '@df/aloware-client';
import { createGhlClient } from '@df/ghl-client';
import {
  type AlowareSimulator,
  type GhlSimulator,
  startAlowareSimulator,
  startGhlSimulator,
} from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRule } from '../src/domain/rules.ts';
import { type ListSyncDeps, reconcile } from '../src/reconcile.ts';
import { createListTools } from '../src/tools.ts';

// The reconcile handler against the real Postgres and the simulated GHL and Aloware: Aloware keeps one contact
// per phone, while GHL (with "allow duplicate contacts") may hold two contacts with the same number.
let database: TestDatabase;
let ghl: GhlSimulator;
let aloware: AlowareSimulator;
let deps: ListSyncDeps;
const HOT = 5101;
const WARM = 5102;
const rules: ListRule[] = [
  { tag: 'hot', target: { kind: 'list', listId: HOT }, position: 'bottom', excludeDnd: true },
  { tag: 'warm', target: { kind: 'list', listId: WARM }, position: 'bottom', excludeDnd: true },
];

beforeAll(async () => {
  database = await createTestDatabase();
  ghl = await startGhlSimulator({ port: 0 });
  ghl.setLocationSettings(ghl.locationId, { allowDuplicates: true });
  aloware = await startAlowareSimulator({ apiToken: 'aloware-token' });
  aloware.createList({ id: HOT, name: 'Hot' });
  aloware.createList({ id: WARM, name: 'Warm' });
  const tools = createListTools(
    createGhlClient({
      locationId: ghl.locationId,
      baseUrl: ghl.url,
      auth: { type: 'pit', token: ghl.pitToken },
    }),
    createAlowareClient({ baseUrl: aloware.url, apiToken: 'aloware-token' }),
  );
  deps = {
    db: database.db,
    tools,
    config: { rules, ghlLocationId: ghl.locationId, rebuildEveryMs: 0 },
    report: async () => {},
  };
});
afterAll(async () => {
  await Promise.all([ghl?.close(), aloware?.close()]);
  await database?.drop();
});

/** What GHL's contact event says, as list-sync observes it. */
const observe = (ghlContactId: string, phone: string, tags: string[]) => {
  const event = { id: randomUUID(), correlationId: randomUUID(), tenant: ghl.locationId };
  const observed = {
    key: { tenant: ghl.locationId, ghlContactId },
    facts: { phone, tags, callsBlocked: false, deleted: false },
    at: new Date(),
    fresh: false,
  };
  return reconcile(observed, event, deps, { processedId: event.id });
};

function listsOf(phone: string): number[] {
  const contact = aloware.contact(phone);
  if (!contact) return [];
  return aloware
    .lists()
    .filter((l) => l.contactIds.includes(contact.id))
    .map((l) => l.id)
    .sort((a, b) => a - b);
}

describe('two GHL contacts with one phone (one Aloware contact)', () => {
  it('one losing its tag keeps the other’s list: the remove-from-all re-adds what the other holds', async () => {
    const phone = '+12025550311';
    const first = ghl.seedContact({ firstName: 'Ann', phone, tags: ['hot'] }, { silent: true });
    const second = ghl.seedContact({ firstName: 'Ann B', phone, tags: ['warm'] }, { silent: true });
    expect(first.id).not.toBe(second.id);
    await observe(first.id, phone, ['hot']);
    await observe(second.id, phone, ['warm']);
    expect(listsOf(phone)).toEqual([HOT, WARM]);

    ghl.editContact(second.id, { tags: [] });
    await observe(second.id, phone, []);
    // The first contact still has the hot tag: L(hot) must still hold the number.
    expect(listsOf(phone)).toEqual([HOT]);
  });
});
