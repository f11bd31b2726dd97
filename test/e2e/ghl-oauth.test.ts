import { loadSystemConfig } from '@df/all-in-one';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const connection = (s: TestSystem) =>
  s.database.db
    .selectFrom('ghl_oauth_connections')
    .select(['status', 'access_token_enc'])
    .where('location_id', '=', s.tools.ghl.locationId)
    .executeTakeFirst();

describe('the middleware on GHL OAuth (GHL_AUTH=oauth; real Kafka, registry, Postgres; simulated tools)', () => {
  it('is installed through /oauth/callback, syncs with the OAuth token, and stops on AppUninstall', async () => {
    system = await startTestSystem({ config: loadSystemConfig({ GHL_AUTH: 'oauth' }) });
    const s = system;
    const ghl = s.simulators!.ghl;
    const installed = await fetch(`${s.ingressUrl}/oauth/callback?code=${ghl.issueAuthCode()}`);
    expect(installed.status).toBe(200);
    expect(await installed.text()).toContain(`GHL location ${ghl.locationId}`);
    expect((await connection(s))?.access_token_enc).toMatch(/^v1\./);

    const phone = '+12025550191';
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Otto' });
    await waitFor('contact-sync to create the contact in GHL', () =>
      ghl.contacts().some((c) => c.phone === phone),
    );
    const writes = ghl.requests.filter((r) => r.path.startsWith('/contacts') && r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.app === `oauth:${ghl.oauthClient.clientId}`)).toBe(true);

    ghl.uninstallApp();
    await waitFor('the uninstall to make the tokens unusable', async () => {
      return (await connection(s))?.status === 'broken';
    });
    await waitFor('the ledger to record the uninstall as handled', async () => {
      const rows = await s.database.db
        .selectFrom('webhook_events')
        .select(['event_type', 'status'])
        .where('event_type', '=', 'app.uninstalled')
        .execute();
      return rows.length === 1 && rows[0]!.status === 'done';
    });
  });
});
