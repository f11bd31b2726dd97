import { randomBytes } from 'node:crypto';
import { createDb } from '@df/db';
import { createGhlClient, exchangeCode } from '@df/ghl-client';
import { PgGhlTokenStore } from '@df/ghl-store';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LOCATION = 'RefreshLockLocation01';
const key = randomBytes(32);
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

/** A stand-in for one process: its own pool, token store and client, sharing nothing but the database. */
function processLike() {
  const db = createDb(database.url, { max: 2 });
  const store = new PgGhlTokenStore(db, key);
  const client = createGhlClient({
    locationId: LOCATION,
    baseUrl: sim.url,
    auth: {
      type: 'oauth',
      clientId: sim.oauthClient.clientId,
      clientSecret: sim.oauthClient.clientSecret,
      store,
    },
  });
  return { db, store, client };
}

const refreshes = () => sim.requests.filter((r) => r.path === '/oauth/token' && r.status === 200).length;

describe('OAuth refresh across processes', () => {
  it('two refreshers of one expired token: one refresh, both continue, the location stays healthy', async () => {
    const installer = processLike();
    await exchangeCode({
      code: sim.issueAuthCode(LOCATION),
      clientId: sim.oauthClient.clientId,
      clientSecret: sim.oauthClient.clientSecret,
      store: installer.store,
      baseUrl: sim.url,
    });
    const [a, b] = [processLike(), processLike()];
    sim.expireAccessTokens(LOCATION);
    // Both read the expired token and refresh at once; GHL rotates the refresh token on every refresh.
    const before = refreshes();
    const [fieldsA, fieldsB] = await Promise.all([a.client.listCustomFields(), b.client.listCustomFields()]);
    expect(fieldsA.length).toBeGreaterThan(0);
    expect(fieldsB).toEqual(fieldsA);
    expect(refreshes() - before).toBe(1);
    expect((await a.store.get(LOCATION))?.broken).toBeUndefined();

    // Forced refreshes in both at once: serialized, each after the other, neither refused.
    await Promise.all([a.client.refreshToken(), b.client.refreshToken()]);
    expect((await b.store.get(LOCATION))?.broken).toBeUndefined();
    expect(await b.client.listCustomFields()).toEqual(fieldsA);
    await Promise.all([installer.db.destroy(), a.db.destroy(), b.db.destroy()]);
  });
});
