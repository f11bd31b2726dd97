import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { startGhlSimulator, startGhlWebhookReceiver } from '@df/simulators';
import { describe, expect, it } from 'vitest';
import {
  type Call,
  call,
  expectValidRequest,
  expectValidResponse,
  other,
  sim,
  useGhlSimulator,
} from './ghl-contract-harness.ts';

useGhlSimulator();

describe('GHL simulator: contract with the OpenAPI files', () => {
  it('OAuth token endpoint: code exchange, rotating refresh tokens, invalid_grant on reuse', async () => {
    const base = { client_id: sim.oauthClient.clientId, client_secret: sim.oauthClient.clientSecret };
    const exchange = {
      ...base,
      grant_type: 'authorization_code',
      code: sim.issueAuthCode(),
      user_type: 'Location',
    };
    expectValidRequest('oauth', 'GetAccessCodebodyDto', exchange);
    const first = await call('POST', '/oauth/token', exchange, { form: true, version: null, token: null });
    expect(first.status).toBe(200);
    expectValidResponse('oauth', 'POST', '/oauth/token', first);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 86399, locationId: sim.locationId });

    const usable = await call('GET', `/locations/${sim.locationId}/customFields`, undefined, {
      token: first.body.access_token as string,
    });
    expect(usable.status).toBe(200);

    const refresh = {
      ...base,
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
    };
    const second = await call('POST', '/oauth/token', refresh, { form: true, version: null, token: null });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const reuse = await call('POST', '/oauth/token', refresh, { form: true, version: null, token: null });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
    expectValidResponse('oauth', 'POST', '/oauth/token', reuse);

    const badClient = await call(
      'POST',
      '/oauth/token',
      { ...refresh, client_secret: 'wrong', refresh_token: second.body.refresh_token as string },
      { form: true, version: null, token: null },
    );
    expect(badClient.status).toBe(401);

    sim.expireAccessTokens(sim.locationId);
    const expired = await call('GET', `/locations/${sim.locationId}/customFields`, undefined, {
      token: second.body.access_token as string,
    });
    expect(expired.status).toBe(401);
  });
});

describe('GHL simulator: behaviour', () => {
  it('enforces the Version header with GHL messages', async () => {
    const missing = await call('GET', `/contacts/search/duplicate?locationId=${sim.locationId}`, undefined, {
      version: null,
    });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      statusCode: 401,
      message: 'version header was not found.',
      error: 'Unauthorized',
    });
    const invalid = await call('GET', `/contacts/search/duplicate?locationId=${sim.locationId}`, undefined, {
      version: '2020-01-01',
    });
    expect(invalid.status).toBe(401);
    expect(invalid.body.message).toBe('version header is invalid');
    const otherPublished = await call(
      'GET',
      `/contacts/search/duplicate?locationId=${sim.locationId}`,
      undefined,
      {
        version: '2021-04-15',
      },
    );
    expect(otherPublished.status).toBe(200);
  });

  it('rejects bad tokens (401) and other locations (403)', async () => {
    const none = await call('GET', `/locations/${sim.locationId}/customFields`, undefined, { token: null });
    expect(none.status).toBe(401);
    const bad = await call('GET', `/locations/${sim.locationId}/customFields`, undefined, {
      token: 'pit-not-a-token',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('Invalid token: access token is invalid');
    const wrong = await call('POST', '/contacts/', { locationId: other, firstName: 'X' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({
      statusCode: 403,
      message: 'The token does not have access to this location.',
    });
    const foreign = sim.seedContact({ firstName: 'Elsewhere' }, { locationId: other, silent: true });
    expect((await call('GET', `/contacts/${foreign.id}`)).status).toBe(403);
    const unknown = await call('GET', '/contacts/doesNotExist00000000');
    expect(unknown.status).toBe(400);
    const route = await call('GET', '/contacts/x/unknown-route');
    expect(route.body).toEqual({
      statusCode: 404,
      message: 'Cannot GET /contacts/x/unknown-route',
      error: 'Not Found',
    });
  });

  it('answers unknown body fields with 422 the way GHL whitelisting does', async () => {
    const c = sim.seedContact({ firstName: 'Strict' }, { silent: true });
    const res = await call('POST', `/contacts/${c.id}/notes`, { body: 'x', locationId: sim.locationId });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      statusCode: 422,
      message: ['property locationId should not exist'],
      error: 'Unprocessable Entity',
    });
    const typed = await call('PUT', `/contacts/${c.id}`, { firstName: 42 });
    expect(typed.status).toBe(422);
    expect(typed.body.message).toEqual(['firstName must be string']);
    const missing = await call('POST', '/contacts/', { firstName: 'No location' });
    expect(missing.status).toBe(422);
    expect(sim.notes(c.id)).toEqual([]);
  });

  it('applies the duplicate rules: create → 400 with meta.contactId, upsert → new:false', async () => {
    const first = await call('POST', '/contacts/', {
      locationId: sim.locationId,
      email: 'Dup@Example.com',
      firstName: 'Dup',
    });
    const id = (first.body.contact as { id: string }).id;
    const again = await call('POST', '/contacts/', { locationId: sim.locationId, email: 'dup@example.com' });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      statusCode: 400,
      message: 'This location does not allow duplicated contacts.',
      meta: { contactId: id, matchingField: 'email' },
    });
    const byPhone = await call('POST', '/contacts/', { locationId: sim.locationId, phone: '555-010-0999' });
    const phoneId = (byPhone.body.contact as { id: string }).id;
    const phoneDup = await call('POST', '/contacts/', { locationId: sim.locationId, phone: '+15550100999' });
    expect(phoneDup.body).toMatchObject({ meta: { contactId: phoneId, matchingField: 'phone' } });
    const upsert = await call('POST', '/contacts/upsert', {
      locationId: sim.locationId,
      email: 'dup@example.com',
      city: 'Paris',
    });
    expect(upsert.body).toMatchObject({ new: false, contact: { id, city: 'Paris' } });
    const fresh = await call('POST', '/contacts/upsert', {
      locationId: sim.locationId,
      email: 'fresh@example.com',
    });
    expect(fresh.body.new).toBe(true);
  });

  it('stores tags lower-case and merges/removes through the tag endpoints', async () => {
    const res = await call('POST', '/contacts/', {
      locationId: sim.locationId,
      firstName: 'Tag',
      tags: ['Hot Lead', 'HOT LEAD', 'Call: Answered'],
    });
    const id = (res.body.contact as { id: string }).id;
    expect(sim.contact(id)?.tags).toEqual(['hot lead', 'call: answered']);
    const added = await call('POST', `/contacts/${id}/tags`, { tags: ['Inbound Call'] });
    expect(added.body.tags).toEqual(['hot lead', 'call: answered', 'inbound call']);
    const removed = await call('DELETE', `/contacts/${id}/tags`, { tags: ['HOT LEAD'] });
    expect(removed.body.tags).toEqual(['call: answered', 'inbound call']);
  });

  it('sends the five X-RateLimit-* headers and answers 429 past the burst limit', async () => {
    sim.setRateLimit({ max: 5, intervalMs: 60_000 });
    try {
      const statuses: number[] = [];
      let last: Call | undefined;
      for (let i = 0; i < 7; i++) {
        last = await call(
          'GET',
          `/contacts/search/duplicate?locationId=${sim.locationId}&email=none%40x.com`,
        );
        statuses.push(last.status);
        for (const h of [
          'x-ratelimit-limit-daily',
          'x-ratelimit-daily-remaining',
          'x-ratelimit-interval-milliseconds',
          'x-ratelimit-max',
          'x-ratelimit-remaining',
        ]) {
          expect(last.headers.get(h)).not.toBeNull();
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(last?.body).toEqual({ statusCode: 429, message: 'Too Many Requests' });
      expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(last?.headers.get('x-ratelimit-max')).toBe('5');
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      sim.setRateLimit({ max: 100, intervalMs: 10_000 });
    }
  });
});

describe('GHL simulator: options', () => {
  it('signs with configured keys, drops the legacy header on request and retries only 429s in 429-only mode', async () => {
    const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ed = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sink = await startGhlWebhookReceiver();
    const custom = await startGhlSimulator({
      webhookUrl: sink.url,
      legacySignature: false,
      signingKeys: { ed25519PrivatePem: pem(ed.privateKey), rsaPrivatePem: pem(rsa.privateKey) },
      webhookRetry: { retryOn: '429-only', baseDelayMs: 10 },
      strictVersion: true,
    });
    try {
      expect(custom.publicKeys.ed25519Pem).toBe(
        ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      );
      sink.failNext(1, 500);
      const lost = custom.seedContact({ firstName: 'Lost' });
      await custom.idle();
      expect(custom.deliveries.find((d) => d.payload.id === lost.id)?.attempts.map((a) => a.status)).toEqual([
        500,
      ]);
      sink.failNext(1, 429);
      const kept = custom.seedContact({ firstName: 'Kept' });
      await custom.idle();
      const delivered = sink.received.find((w) => w.json.id === kept.id);
      expect(delivered?.headers['x-wh-signature']).toBeUndefined();
      expect(
        verify(
          null,
          delivered?.raw as Buffer,
          ed.publicKey,
          Buffer.from(delivered?.headers['x-ghl-signature'] as string, 'base64'),
        ),
      ).toBe(true);

      const res = await fetch(`${custom.url}/contacts/${kept.id}`, {
        headers: { authorization: `Bearer ${custom.pitToken}`, version: '2021-04-15' },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ message: 'version header is invalid' });
    } finally {
      await custom.close();
      await sink.close();
    }
  });
});
