import { randomBytes } from 'node:crypto';
import { createGhlClient, exchangeCode } from '@df/ghl-client';
import { PgGhlTokenStore } from '@df/ghl-store';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LOCATION = 'PgTokenLocation00001';
let sim: GhlSimulator;
let database: TestDatabase;
const key = randomBytes(32);

beforeAll(async () => {
  sim = await startGhlSimulator({ locationIds: [LOCATION] });
  database = await createTestDatabase();
});
afterAll(async () => {
  await sim.close();
  await database.drop();
});

const oauthClient = (store: PgGhlTokenStore) =>
  createGhlClient({
    locationId: LOCATION,
    baseUrl: sim.url,
    auth: {
      type: 'oauth',
      clientId: sim.oauthClient.clientId,
      clientSecret: sim.oauthClient.clientSecret,
      store,
    },
  });

describe('GHL OAuth tokens in Postgres', () => {
  it('stores tokens encrypted, persists the rotated refresh token, and survives a restart', async () => {
    const store = new PgGhlTokenStore(database.db, key);
    await exchangeCode({
      code: sim.issueAuthCode(LOCATION),
      clientId: sim.oauthClient.clientId,
      clientSecret: sim.oauthClient.clientSecret,
      store,
      baseUrl: sim.url,
    });
    const installed = (await store.get(LOCATION))!.tokens;
    const row = await database.db.selectFrom('ghl_oauth_connections').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(installed.accessToken);
    expect(JSON.stringify(row)).not.toContain(installed.refreshToken);

    sim.expireAccessTokens(LOCATION);
    expect(await oauthClient(store).listCustomFields()).toBeDefined();
    const rotated = (await store.get(LOCATION))!.tokens;
    expect(rotated.refreshToken).not.toBe(installed.refreshToken);

    // A new process with the same key picks up the rotated tokens and keeps working.
    sim.expireAccessTokens(LOCATION);
    const restarted = new PgGhlTokenStore(database.db, key);
    expect(await oauthClient(restarted).listCustomFields()).toBeDefined();
    expect((await restarted.get(LOCATION))!.tokens.refreshToken).not.toBe(rotated.refreshToken);
  });

  it('refuses to decrypt with another key and records a broken connection', async () => {
    await expect(new PgGhlTokenStore(database.db, randomBytes(32)).get(LOCATION)).rejects.toThrow();
    const store = new PgGhlTokenStore(database.db, key);
    await store.markBroken(LOCATION, 'invalid_grant');
    expect((await store.get(LOCATION))!.broken).toMatchObject({ reason: 'invalid_grant' });
  });
});
