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
import type { ListRule } from '../src/domain/rules.ts';
import { type ListSyncConfig, type ListSyncDeps, reconcile } from '../src/reconcile.ts';
import { createListTools } from '../src/tools.ts';

/**
 * list-sync's handlers against the real Postgres and the simulated GHL and Aloware, with the lists the rules
 * name created in Aloware (as someone would in its UI).
 */
export interface ListFixture {
  database: TestDatabase;
  ghl: GhlSimulator;
  aloware: AlowareSimulator;
  deps: ListSyncDeps;
  /** A GHL contact event as list-sync observes it, reconciled as the consumer would. */
  observe(ghlContactId: string, phone: string, tags: string[]): ReturnType<typeof reconcile>;
  /** The Aloware list ids the contact with this phone is in. */
  listsOf(phone: string): number[];
  close(): Promise<void>;
}

export async function startListFixture(
  rules: ListRule[],
  config: Partial<ListSyncConfig> = {},
): Promise<ListFixture> {
  const database = await createTestDatabase();
  const ghl = await startGhlSimulator({ port: 0 });
  const aloware = await startAlowareSimulator({ apiToken: 'aloware-token' });
  for (const rule of rules) {
    if (rule.target.kind === 'list') aloware.createList({ id: rule.target.listId, name: rule.tag });
  }
  const tools = createListTools(
    createGhlClient({
      locationId: ghl.locationId,
      baseUrl: ghl.url,
      auth: { type: 'pit', token: ghl.pitToken },
    }),
    createAlowareClient({ baseUrl: aloware.url, apiToken: 'aloware-token' }),
  );
  const deps: ListSyncDeps = {
    db: database.db,
    tools,
    config: { rules, ghlLocationId: ghl.locationId, rebuildEveryMs: 0, ...config },
    report: async () => {},
  };
  return {
    database,
    ghl,
    aloware,
    deps,
    observe(ghlContactId, phone, tags) {
      const event = { id: randomUUID(), correlationId: randomUUID(), tenant: ghl.locationId };
      const observed = {
        key: { tenant: ghl.locationId, ghlContactId },
        facts: { phone, tags, callsBlocked: false, deleted: false },
        at: new Date(),
        fresh: false,
      };
      return reconcile(observed, event, deps, { processedId: event.id });
    },
    listsOf(phone) {
      const contact = aloware.contact(phone);
      if (!contact) return [];
      return aloware
        .lists()
        .filter((l) => l.contactIds.includes(contact.id))
        .map((l) => l.id)
        .sort((a, b) => a - b);
    },
    async close() {
      await Promise.all([ghl.close(), aloware.close()]);
      await database.drop();
    },
  };
}
