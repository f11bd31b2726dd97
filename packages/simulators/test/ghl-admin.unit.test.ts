import { createGhlClient, isGhlError } from '@df/ghl-client';
import { type GhlSimulator, startGhlSimulator } from '@df/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sim: GhlSimulator;
beforeAll(async () => {
  sim = await startGhlSimulator();
});
afterAll(() => sim.close());

const admin = (method: string, path: string, body?: object) =>
  fetch(`${sim.url}/__sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
const get = (path: string) =>
  fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.pitToken}`, version: '2021-07-28' } });

describe('GHL simulator admin API (fault injection and inspection over HTTP)', () => {
  it('injects a burst of 5xx on matching paths, then answers normally', async () => {
    const contact = sim.seedContact({ firstName: 'Admin' }, { silent: true });
    expect((await admin('POST', '/faults', { count: 2, status: 503, path: '^/contacts/' })).status).toBe(204);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(`/contacts/${contact.id}`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('applies a fault to a share of requests only (a 5xx rate), until cleared', async () => {
    const contact = sim.seedContact({ firstName: 'Rate' }, { silent: true });
    await admin('POST', '/faults', { status: 500, rate: 0, path: '^/contacts/' });
    expect((await get(`/contacts/${contact.id}`)).status).toBe(200);
    await admin('DELETE', '/faults');
    await admin('POST', '/faults', { status: 500, rate: 1, path: '^/contacts/' });
    expect((await get(`/contacts/${contact.id}`)).status).toBe(500);
    expect((await get(`/contacts/${contact.id}`)).status).toBe(500);
    await admin('DELETE', '/faults');
    expect((await get(`/contacts/${contact.id}`)).status).toBe(200);
  });

  it('holds an answer past the client timeout, which the client reports as a retriable timeout', async () => {
    const contact = sim.seedContact({ firstName: 'Slow' }, { silent: true });
    await admin('POST', '/faults', { count: 1, status: 504, hangMs: 500, path: '^/contacts/' });
    const client = createGhlClient({
      locationId: sim.locationId,
      auth: { type: 'pit', token: sim.pitToken },
      baseUrl: sim.url,
      timeoutMs: 100,
      retries: 0,
    });
    const error = await client.getContact(contact.id).catch((e: unknown) => e);
    expect(isGhlError(error) && error.code).toBe('timeout');
    expect(isGhlError(error) && error.retriable).toBe(true);
  });

  it('shows its state and the calls it received', async () => {
    const state = (await (await admin('GET', '/state')).json()) as { contacts: Array<{ firstName: string }> };
    expect(state.contacts.map((c) => c.firstName)).toEqual(expect.arrayContaining(['Admin', 'Rate', 'Slow']));
    const requests = (await (await admin('GET', '/requests')).json()) as Array<{
      path: string;
      status: number;
    }>;
    expect(requests.some((r) => r.status === 503)).toBe(true);
    expect(requests.some((r) => r.path.startsWith('/__sim'))).toBe(false);
  });
});
