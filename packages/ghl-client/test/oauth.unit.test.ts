import { createGhlClient, exchangeCode, InMemoryGhlTokenStore } from '@df/ghl-client';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { ToolError } from '@df/tool-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sim: GhlSimulator;

beforeAll(async () => {
  sim = await startGhlSimulator({ locationIds: ['OAuthLocation0000001', 'OAuthLocation0000002'] });
});

afterAll(async () => {
  await sim.close();
});

const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/token');

async function installedClient(locationId: string) {
  const store = new InMemoryGhlTokenStore();
  const installed = await exchangeCode({
    code: sim.issueAuthCode(locationId),
    clientId: sim.oauthClient.clientId,
    clientSecret: sim.oauthClient.clientSecret,
    store,
    baseUrl: sim.url,
  });
  expect(installed.locationId).toBe(locationId);
  const client = createGhlClient({
    locationId,
    baseUrl: sim.url,
    auth: {
      type: 'oauth',
      clientId: sim.oauthClient.clientId,
      clientSecret: sim.oauthClient.clientSecret,
      store,
    },
  });
  return { store, client };
}

describe('GHL client OAuth', () => {
  it('exchanges an install code and calls the API with the access token', async () => {
    const { store, client } = await installedClient('OAuthLocation0000001');
    const saved = await store.get('OAuthLocation0000001');
    expect(saved?.tokens.refreshToken).toBeTruthy();
    expect(await client.listCustomFields()).not.toHaveLength(0);
  });

  it('refreshes once for 20 concurrent 401s (single-flight) and retries every call', async () => {
    const { store, client } = await installedClient('OAuthLocation0000001');
    const contact = sim.seedContact(
      { firstName: 'Concurrent' },
      { locationId: 'OAuthLocation0000001', silent: true },
    );
    const before = (await store.get('OAuthLocation0000001'))?.tokens;
    sim.expireAccessTokens('OAuthLocation0000001');
    const refreshesBefore = tokenCalls().length;

    const results = await Promise.all(Array.from({ length: 20 }, () => client.getContact(contact.id)));
    expect(results.every((c) => c.id === contact.id)).toBe(true);
    expect(tokenCalls().length - refreshesBefore).toBe(1);
    const after = (await store.get('OAuthLocation0000001'))?.tokens;
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    const unauthorized = sim.requests.filter((r) => r.path === `/contacts/${contact.id}` && r.status === 401);
    expect(unauthorized.length).toBeGreaterThanOrEqual(1);
  });

  it('refreshes proactively when the stored token is about to expire', async () => {
    const { store, client } = await installedClient('OAuthLocation0000001');
    const current = (await store.get('OAuthLocation0000001'))?.tokens;
    await store.save('OAuthLocation0000001', {
      ...(current as NonNullable<typeof current>),
      expiresAt: Date.now() + 5_000,
    });
    const before = tokenCalls().length;
    await client.listCustomFields();
    expect(tokenCalls().length - before).toBe(1);
    expect((await store.get('OAuthLocation0000001'))?.tokens.expiresAt).toBeGreaterThan(
      Date.now() + 3_600_000,
    );
  });

  it('marks the connection auth_broken on invalid_grant and stops refreshing', async () => {
    const { store, client } = await installedClient('OAuthLocation0000001');
    const current = (await store.get('OAuthLocation0000001'))?.tokens;
    await store.save('OAuthLocation0000001', {
      ...(current as NonNullable<typeof current>),
      refreshToken: 'revoked-refresh-token',
    });
    sim.expireAccessTokens('OAuthLocation0000001');

    const error = await client.listCustomFields().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: 'auth_broken', retriable: false });
    expect((error as ToolError).message).not.toContain('revoked-refresh-token');
    expect((await store.get('OAuthLocation0000001'))?.broken?.reason).toMatch(/refresh token is invalid/);

    const before = tokenCalls().length;
    await expect(client.listCustomFields()).rejects.toMatchObject({ code: 'auth_broken' });
    expect(tokenCalls().length).toBe(before);
  });

  it('marks the connection auth_broken when the location is not active', async () => {
    const { store, client } = await installedClient('OAuthLocation0000002');
    sim.setLocationSettings('OAuthLocation0000002', { active: false });
    sim.expireAccessTokens('OAuthLocation0000002');
    await expect(client.listCustomFields()).rejects.toMatchObject({ code: 'auth_broken' });
    expect((await store.get('OAuthLocation0000002'))?.broken?.reason).toBe('Location is not active');
  });
});
