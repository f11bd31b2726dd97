import { randomBytes } from 'node:crypto';
import {
  completeGhlInstall,
  createSharedGhlClient,
  type GhlAppCredentials,
  recordGhlUninstall,
} from '@df/ghl-store';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LOCATION = 'InstallLocation000001';
const encryptionKey = randomBytes(32).toString('base64');
let sim: GhlSimulator;
let database: TestDatabase;
let app: GhlAppCredentials;

beforeAll(async () => {
  sim = await startGhlSimulator({ locationIds: [LOCATION] });
  database = await createTestDatabase();
  app = { db: database.db, encryptionKey, ...sim.oauthClient, baseUrl: sim.url };
});
afterAll(async () => {
  await sim.close();
  await database.drop();
});

const serviceClient = () =>
  createSharedGhlClient({
    db: database.db,
    locationId: LOCATION,
    baseUrl: sim.url,
    auth: { type: 'oauth', ...sim.oauthClient, encryptionKey },
  });

describe('GHL marketplace app install', () => {
  it('stores the tokens of an install code encrypted, and a service then calls GHL with them', async () => {
    expect(await completeGhlInstall(app, sim.issueAuthCode(LOCATION))).toEqual({ locationId: LOCATION });
    const row = await database.db.selectFrom('ghl_oauth_connections').selectAll().executeTakeFirstOrThrow();
    expect(row.location_id).toBe(LOCATION);
    expect(row.access_token_enc).toMatch(/^v1\./);
    expect(row.refresh_token_enc).toMatch(/^v1\./);

    expect(await serviceClient().listCustomFields()).not.toHaveLength(0);
    const call = sim.requests.filter((r) => r.path === `/locations/${LOCATION}/customFields`).at(-1);
    expect(call).toMatchObject({ status: 200, app: `oauth:${sim.oauthClient.clientId}` });
  });

  it('an uninstall stops the location without refresh attempts; a re-install brings it back', async () => {
    await recordGhlUninstall(app, LOCATION);
    const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/token').length;
    const before = tokenCalls();
    await expect(serviceClient().listCustomFields()).rejects.toMatchObject({ code: 'auth_broken' });
    expect(tokenCalls()).toBe(before);

    await completeGhlInstall(app, sim.issueAuthCode(LOCATION));
    expect(await serviceClient().listCustomFields()).not.toHaveLength(0);
  });

  it('refuses a code GHL does not know, storing nothing new', async () => {
    await expect(completeGhlInstall(app, 'not-a-code')).rejects.toMatchObject({ code: 'bad_request' });
  });
});
