import { randomBytes, randomUUID } from 'node:crypto';
import type { EventOfType } from '@df/contracts';
import { createSharedGhlClient } from '@df/ghl-store';
import { connectInfrastructure, type RunningServiceConsumer } from '@df/service-runtime';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { createLogger } from '@df/telemetry';
import { testStack, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAppUninstalled, startGhlAppLifecycle } from '../src/ghl-app/lifecycle.ts';
import { ghlKeys, type IngressUnderTest, startTestIngress } from './ingress-harness.ts';

const LOCATION = 'LifecycleLocation0001';
const encryptionKey = randomBytes(32).toString('base64');
const pem = (key: { export(o: object): string | Buffer }) =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString();
let sim: GhlSimulator;
let ingress: IngressUnderTest;
let lifecycle: RunningServiceConsumer;

beforeAll(async () => {
  // Signs with the keys the test ingress trusts, like GHL with its published ones.
  sim = await startGhlSimulator({
    locationIds: [LOCATION],
    signingKeys: {
      ed25519PrivatePem: pem(ghlKeys.ed25519.privateKey),
      rsaPrivatePem: pem(ghlKeys.rsa.privateKey),
    },
  });
  const app = { baseUrl: sim.url, ...sim.oauthClient, encryptionKey };
  ingress = await startTestIngress({ ghlApp: app });
  sim.setWebhookUrl(`${ingress.ingress.url}/webhooks/ghl`);
  const log = createLogger({ service: 'ghl-app-test' }, { level: 'error' });
  const infra = connectInfrastructure({
    ...testStack(),
    db: ingress.database.db,
    topicPrefix: ingress.config.topicPrefix,
    clientId: 'ghl-app-test',
    log,
  });
  lifecycle = await startGhlAppLifecycle(infra, app);
});
afterAll(async () => {
  await lifecycle?.stop();
  await ingress?.close();
  await sim?.close();
});

const install = async () => {
  const response = await fetch(`${ingress.ingress.url}/oauth/callback?code=${sim.issueAuthCode(LOCATION)}`);
  expect(response.status).toBe(200);
};
const status = async () =>
  (
    await ingress.database.db
      .selectFrom('ghl_oauth_connections')
      .select('status')
      .where('location_id', '=', LOCATION)
      .executeTakeFirstOrThrow()
  ).status;
const client = () =>
  createSharedGhlClient({
    db: ingress.database.db,
    locationId: LOCATION,
    baseUrl: sim.url,
    auth: { type: 'oauth', ...sim.oauthClient, encryptionKey },
  });
const tokenCalls = () => sim.requests.filter((r) => r.path === '/oauth/token').length;

describe('GHL AppInstall / AppUninstall', () => {
  it('an uninstall webhook becomes an event, and its handler makes the tokens unusable until a re-install', async () => {
    await install();
    await client().listCustomFields();

    sim.uninstallApp(LOCATION);
    await sim.idle();
    expect(sim.deliveries.at(-1)).toMatchObject({ type: 'UNINSTALL', state: 'delivered' });
    const events = await ingress.events('ghl.events.v1');
    expect(events.map((e) => e.value.type)).toContain('app.uninstalled');
    await waitFor('the connection to be marked unusable', async () => (await status()) === 'broken');

    // No refresh storm against a revoked app: the client fails fast.
    const before = tokenCalls();
    await expect(client().listCustomFields()).rejects.toMatchObject({ code: 'auth_broken' });
    expect(tokenCalls()).toBe(before);

    await install();
    expect(await status()).toBe('active');
    expect(await client().listCustomFields()).not.toHaveLength(0);
  });

  it('an uninstall handled after a re-install leaves the new tokens alone', async () => {
    const arrivedEarlier = new Date(Date.now() - 60_000).toISOString();
    await install();
    const event = {
      id: randomUUID(),
      type: 'app.uninstalled',
      sourceEventName: 'UNINSTALL',
      tenant: LOCATION,
      entity: { type: 'app', id: 'app-1' },
      naturalKey: 'app:app-1',
      occurredAt: arrivedEarlier,
      dedupeKey: `ghl:${randomUUID()}`,
      data: { appId: 'app-1', locationId: LOCATION, companyId: null },
      source: 'ghl',
      receivedAt: arrivedEarlier,
      correlationId: randomUUID(),
      raw: {},
    } satisfies EventOfType<'app.uninstalled'>;
    const reported: unknown[] = [];
    await handleAppUninstalled(event, {
      app: { baseUrl: sim.url, ...sim.oauthClient, encryptionKey },
      db: ingress.database.db,
      log: createLogger({ service: 'ghl-app-test' }, { level: 'error' }),
      report: async (_cause, outcome) => {
        reported.push(outcome);
        return outcome as never;
      },
    });
    expect(await status()).toBe('active');
    expect(reported).toMatchObject([
      { action: 'skipped', reason: 'no connection, or installed again since', target: { id: LOCATION } },
    ]);
  });
});
