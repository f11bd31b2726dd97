import { randomUUID } from 'node:crypto';
import { createAlowareClient } from '@df/aloware-client';
import type { Database } from '@df/db';
import { createGhlClient } from '@df/ghl-client';
import {
  type AlowareSimulator,
  type GhlSimulator,
  startAlowareSimulator,
  startGhlSimulator,
} from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import type { Kysely } from 'kysely';
import { DEFAULT_SYNC_POLICY } from '../src/domain/plan.ts';
import type { ContactSyncDeps } from '../src/sync-contact.ts';
import { createContactTools } from '../src/tools.ts';

export interface ContactSyncFixture {
  database: TestDatabase;
  ghlSim: GhlSimulator;
  alowareSim: AlowareSimulator;
  /** syncContact's dependencies over `db` (the test database, or a wrapper of it), with the real tool clients. */
  depsFor: (db: Kysely<Database>) => ContactSyncDeps;
  close: () => Promise<void>;
}

/** A real Postgres database and the two tools' simulators, for driving syncContact without Kafka. */
export async function startContactSyncFixture(): Promise<ContactSyncFixture> {
  const database = await createTestDatabase();
  const ghlSim = await startGhlSimulator({ pitToken: `pit-${randomUUID()}` });
  const alowareSim = await startAlowareSimulator({ apiToken: randomUUID() });
  const ghl = createGhlClient({
    locationId: ghlSim.locationId,
    baseUrl: ghlSim.url,
    auth: { type: 'pit', token: ghlSim.pitToken },
  });
  const aloware = createAlowareClient({ baseUrl: alowareSim.url, apiToken: alowareSim.apiToken });
  const tools = createContactTools(ghl, aloware);
  return {
    database,
    ghlSim,
    alowareSim,
    depsFor: (db) => ({
      db,
      tools,
      config: {
        policy: DEFAULT_SYNC_POLICY,
        onGhlDelete: 'tag',
        deletedTag: 'deleted-in-ghl',
        smsOptOutTag: 'sms-opted-out',
      },
      report: async () => undefined,
      publishMapped: async () => undefined,
    }),
    close: async () => {
      await Promise.all([database.drop(), ghlSim.close(), alowareSim.close()]);
    },
  };
}
