import { randomBytes } from 'node:crypto';
import { createAlowareClient } from '@df/aloware-client';
import { completeGhlInstall, createSharedGhlClient } from '@df/ghl-store';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContactSyncSettings } from '../src/config.ts';
import { createContactTools } from '../src/tools.ts';

const LOCATION = 'OAuthContactSync00001';
let sim: GhlSimulator;
let database: TestDatabase;

beforeAll(async () => {
  sim = await startGhlSimulator({ locationIds: [LOCATION] });
  database = await createTestDatabase();
});
afterAll(async () => {
  await sim.close();
  await database.drop();
});

describe('contact-sync configured for GHL OAuth', () => {
  it('writes to GHL with the tokens the install stored, never with a PIT', async () => {
    const env = {
      GHL_AUTH: 'oauth',
      GHL_LOCATION_ID: LOCATION,
      GHL_BASE_URL: sim.url,
      GHL_CLIENT_ID: sim.oauthClient.clientId,
      GHL_CLIENT_SECRET: sim.oauthClient.clientSecret,
      GHL_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ALOWARE_API_TOKEN: 'unused-here',
    };
    const settings = loadContactSyncSettings(env);
    if (settings.ghl.auth.type !== 'oauth') throw new Error('expected the OAuth mode');
    // What main.ts builds from the same settings.
    const ghl = createSharedGhlClient({ db: database.db, ...settings.ghl });
    const tools = createContactTools(ghl, createAlowareClient(settings.aloware));

    // Not installed yet: no token, so no call reaches GHL's API.
    await expect(tools.ghl.upsert({ phone: '+12025550177' })).rejects.toMatchObject({ code: 'auth_broken' });
    expect(sim.requests.filter((r) => r.path.startsWith('/contacts'))).toHaveLength(0);

    await completeGhlInstall(
      { db: database.db, ...settings.ghl.auth, baseUrl: sim.url },
      sim.issueAuthCode(LOCATION),
    );
    const { id } = await tools.ghl.upsert({ firstName: 'Olive', phone: '+12025550177' });
    expect(sim.contact(id)).toMatchObject({ firstName: 'Olive', locationId: LOCATION });
    const writes = sim.requests.filter((r) => r.path.startsWith('/contacts'));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.app === `oauth:${sim.oauthClient.clientId}`)).toBe(true);
  });
});
