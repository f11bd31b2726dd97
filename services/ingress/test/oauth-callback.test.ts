import { randomBytes } from 'node:crypto';
import { createSharedGhlClient, PgGhlTokenStore, parseEncryptionKey } from '@df/ghl-store';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createLogger } from '@df/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngressUnderTest, startTestIngress } from './ingress-harness.ts';

const LOCATION = 'CallbackLocation00001';
const encryptionKey = randomBytes(32).toString('base64');
const logLines: string[] = [];
let sim: GhlSimulator;
let ingress: IngressUnderTest;

beforeAll(async () => {
  sim = await startGhlSimulator({ locationIds: [LOCATION] });
  ingress = await startTestIngress(
    { ghlApp: { baseUrl: sim.url, ...sim.oauthClient, encryptionKey } },
    { log: createLogger({ service: 'ingress-test' }, { level: 'debug', write: (l) => logLines.push(l) }) },
  );
});
afterAll(async () => {
  await ingress?.close();
  await sim?.close();
});

const callback = (query: string, accept = 'application/json') =>
  fetch(`${ingress.ingress.url}/oauth/callback?${query}`, { headers: { accept } });
const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/token').length;
const connections = () => ingress.database.db.selectFrom('ghl_oauth_connections').selectAll().execute();

describe('GET /oauth/callback (GHL marketplace install)', () => {
  it('exchanges the code, stores the tokens encrypted, and a service then calls GHL with them', async () => {
    const code = sim.issueAuthCode(LOCATION);
    const response = await callback(`code=${code}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await response.json()).toMatchObject({ ok: true, locationId: LOCATION });

    const [row] = await connections();
    expect(row).toMatchObject({ location_id: LOCATION, status: 'active' });
    expect(row!.access_token_enc).toMatch(/^v1\./);

    const ghl = createSharedGhlClient({
      db: ingress.database.db,
      locationId: LOCATION,
      baseUrl: sim.url,
      auth: { type: 'oauth', ...sim.oauthClient, encryptionKey },
    });
    await ghl.listCustomFields();
    expect(sim.requests.at(-1)).toMatchObject({ status: 200, app: `oauth:${sim.oauthClient.clientId}` });

    // The code and the tokens appear in no log line (the install itself is logged, by location).
    const store = new PgGhlTokenStore(ingress.database.db, parseEncryptionKey(encryptionKey));
    const { accessToken, refreshToken } = (await store.get(LOCATION))!.tokens;
    expect(row!.access_token_enc).not.toContain(accessToken);
    const logs = logLines.join('\n');
    expect(logs).toContain('ghl app installed');
    for (const secret of [code, accessToken, refreshToken, sim.oauthClient.clientSecret]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('answers a browser with a small page, and a refused code with 400, storing nothing', async () => {
    const before = await connections();
    const response = await callback(`code=${'f'.repeat(32)}`, 'text/html');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('GHL refused this install code');
    expect(page).not.toContain('f'.repeat(32));
    expect(await connections()).toEqual(before);
  });

  it.each([
    ['no code', ''],
    ['a short code', 'code=abc'],
    ['two codes', `code=${'a'.repeat(20)}&code=${'b'.repeat(20)}`],
    ['markup in the code', `code=${encodeURIComponent(`<script>${'a'.repeat(20)}`)}`],
    ['a malformed state', `code=${'a'.repeat(20)}&state=${encodeURIComponent('a b<')}`],
    ['an error from GHL', 'error=access_denied'],
  ])('refuses %s without calling GHL', async (_, query) => {
    const calls = tokenCalls();
    const response = await callback(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false });
    expect(tokenCalls()).toBe(calls);
  });

  it('is not a route for POST', async () => {
    const response = await fetch(`${ingress.ingress.url}/oauth/callback?code=${'a'.repeat(20)}`, {
      method: 'POST',
    });
    expect(response.status).toBe(405);
  });

  it('spends at most 30 code exchanges a minute, then answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) statuses.push((await callback(`code=${'c'.repeat(20)}${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const last = await callback(`code=${'d'.repeat(20)}`);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('GET /oauth/callback without the OAuth app configured', () => {
  it('does not exist', async () => {
    const plain = await startTestIngress({ ghlApp: null });
    try {
      const response = await fetch(`${plain.ingress.url}/oauth/callback?code=${sim.issueAuthCode(LOCATION)}`);
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
