import { type AlowareSimulator, startAlowareSimulator } from '@df/simulators';
import { ToolError } from '@df/tool-http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AlowareClient, createAlowareClient } from '../src/index.ts';

const TOKEN = 'client-test-token-9f8e7d';

let sim: AlowareSimulator;
let client: AlowareClient;

beforeEach(async () => {
  sim = await startAlowareSimulator({ apiToken: TOKEN });
  // Lists are made in Aloware's UI: the API refuses ids it has never seen.
  for (const id of [10, 396726, 396727]) sim.createList({ id, name: `List ${id}` });
  client = createAlowareClient({ baseUrl: sim.url, apiToken: TOKEN, timeoutMs: 5_000 });
});

afterEach(async () => {
  await sim.close();
});

/** Runs `fn`, expects a ToolError, checks it never carries the token, and returns it. */
async function failure(fn: () => Promise<unknown>): Promise<ToolError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolError);
  const e = error as ToolError;
  expect(`${e.message} ${e.stack ?? ''} ${JSON.stringify(e)} ${String(e.cause ?? '')}`).not.toContain(TOKEN);
  return e;
}

describe('upsertContactForm', () => {
  it('creates, answers conflict without forceUpdate, and updates with it', async () => {
    const created = await client.upsertContactForm({
      phoneNumber: '+12025550142',
      firstName: 'Ada',
      lastName: 'Example',
      email: 'ada@example.com',
      city: 'Washington',
      state: 'DC',
      zipcode: '20001',
      country: 'US',
      userId: 120701,
      tags: ['Webinar 2026', 'Hot Lead'],
      listIds: [396726, 396727],
      addToPowerDialer: true,
      powerDialerPosition: 'bottom',
      csf1: 'ghl:abc123',
      customFields: { investor_tier: 'gold' },
    });
    expect(created).toEqual({ outcome: 'created', message: 'Contact created.' });

    const conflict = await failure(() =>
      client.upsertContactForm({ phoneNumber: '2025550142', firstName: 'X' }),
    );
    expect(conflict).toMatchObject({ code: 'conflict', status: 409, retriable: false });
    expect(conflict.serverMessage).toBe('Contact already exists.');

    const updated = await client.upsertContactForm({
      phoneNumber: '2025550142',
      firstName: 'Adaline',
      isDnc: true,
      forceUpdate: true,
    });
    expect(updated).toEqual({ outcome: 'updated', message: 'Contact updated.' });

    const contact = sim.contact('+12025550142')!;
    expect(contact).toMatchObject({
      first_name: 'Adaline',
      is_dnc: true,
      cnam_city: 'Washington',
      cnam_zipcode: '20001',
      user_id: 120701,
      csf1: 'ghl:abc123',
      investor_tier: 'gold',
    });
    expect(contact.tags.map((t) => t.name)).toEqual(['Webinar 2026', 'Hot Lead']);
    const memberOf = sim
      .lists()
      .filter((l) => l.contactIds.includes(contact.id))
      .map((l) => l.id);
    expect(memberOf).toEqual(expect.arrayContaining([396726, 396727]));
    expect(memberOf).toHaveLength(3); // plus the owner's power dialer

    // The token went in the POST body, never in the query; list and tag values comma-separated.
    const request = sim.requests.find((r) => r.path.endsWith('/forms'))!;
    expect(request.query).not.toHaveProperty('api_token');
    expect(request.body).toMatchObject({
      api_token: '[redacted]',
      tags: 'Webinar 2026,Hot Lead',
      list_ids: '396726,396727',
      add_to_powerdialer: 1,
    });
  });

  it('reports a bad phone number as bad_request', async () => {
    const error = await failure(() => client.upsertContactForm({ phoneNumber: '12' }));
    expect(error).toMatchObject({ code: 'bad_request', status: 400, retriable: false });
    expect(error.serverMessage).toBe('Phone number is empty or invalid.');
  });
});

describe('lookupContactByPhone', () => {
  it('returns the parsed contact, or null when Aloware answers 404', async () => {
    await client.upsertContactForm({ phoneNumber: '2025550142', firstName: 'Ada', city: 'Washington' });
    const contact = await client.lookupContactByPhone('(202) 555-0142');
    expect(contact).toMatchObject({
      phone_number: '+12025550142',
      first_name: 'Ada',
      cnam_city: 'Washington',
    });
    expect(typeof contact?.id).toBe('number');
    expect(await client.lookupContactByPhone('+12025550199')).toBeNull();
    const get = sim.requests.find((r) => r.method === 'GET')!;
    expect(get.query.api_token).toBe('[redacted]');
  });

  it('reports an empty number as bad_request', async () => {
    expect(await failure(() => client.lookupContactByPhone(''))).toMatchObject({
      code: 'bad_request',
      status: 400,
    });
  });
});

describe('other operations', () => {
  it('sends an SMS (202 accepted)', async () => {
    expect(await client.sendSms({ to: '+12025550142', from: '+12025550100', message: 'Hi' })).toEqual({
      message: 'Message sent.',
    });
    expect(sim.sentSms.map((s) => s.to)).toEqual(['+12025550142']);
    const error = await failure(() => client.sendSms({ to: 'nope', lineId: 63901, message: 'Hi' }));
    expect(error).toMatchObject({ code: 'unprocessable', status: 422, retriable: false });
  });

  it('removes from power-dialer lists and clears lists (false when Aloware does not know the id)', async () => {
    await client.upsertContactForm({
      phoneNumber: '2025550142',
      listIds: [10],
      userId: 120701,
      addToPowerDialer: true,
    });
    const id = sim.contact('2025550142')!.id;
    expect(await client.removeFromPowerDialerLists(id)).toBe(true);
    expect(sim.lists().some((l) => l.contactIds.includes(id))).toBe(false);
    expect(await client.removeFromPowerDialerLists(1)).toBe(false);
    expect(await client.clearPowerDialerList(10)).toBe(true);
    expect(await client.clearPowerDialerList(99999)).toBe(false);
    expect(await client.clearUserPowerDialerLists(120701)).toBe(true);
    expect(await client.clearUserPowerDialerLists(1)).toBe(false);
  });

  it('enrols and disenrols in sequences', async () => {
    await client.upsertContactForm({ phoneNumber: '2025550142' });
    const id = sim.contact('2025550142')!.id;
    expect(await client.enrollSequence({ sequenceId: 4821, phoneNumber: '+12025550142' })).toEqual({
      message: 'Contact is successfully enrolled in the sequence.',
    });
    const again = await failure(() => client.enrollSequence({ sequenceId: 4822, contactId: id }));
    expect(again).toMatchObject({ code: 'bad_request', retriable: false });
    await client.enrollSequence({ sequenceId: 4822, contactId: id, forceEnroll: true });
    expect(sim.contact(id)?.sequence_id).toBe(4822);
    expect(await client.disenrollSequence({ contactId: id })).toEqual({
      message: 'Contact is successfully disenrolled from the sequence.',
    });
    expect(sim.contact(id)?.sequence_id).toBeNull();
  });

  it('lists users', async () => {
    const users = await client.listUsers();
    expect(users.map((u) => [u.id, u.human_readable_agent_status])).toEqual([
      [120701, 'Available'],
      [120702, 'Offline'],
    ]);
  });

  it('places a two-legged call, and reports no available agent as unprocessable', async () => {
    expect(
      await client.twoLeggedCall({ userId: 120701, contactPhoneNumber: '+12025550142', lineId: 63901 }),
    ).toEqual({
      message: 'Two legged call established.',
    });
    const error = await failure(() =>
      client.twoLeggedCall({ userId: 120702, contactPhoneNumber: '+12025550142' }),
    );
    expect(error).toMatchObject({ code: 'unprocessable', status: 422 });
  });
});

describe('errors', () => {
  it('maps a wrong token to unauthorized without leaking it', async () => {
    const wrong = createAlowareClient({ baseUrl: sim.url, apiToken: `${TOKEN}-wrong` });
    const error = await failure(() => wrong.listUsers());
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, retriable: false });
    expect(error.message).not.toContain(`${TOKEN}-wrong`);
  });

  it("treats Aloware's HTML 200 for an unknown route as invalid_response, not success", async () => {
    const misrouted = createAlowareClient({ baseUrl: `${sim.url}/app`, apiToken: TOKEN });
    const error = await failure(() => misrouted.listUsers());
    expect(error).toMatchObject({ code: 'invalid_response', status: 200, retriable: false });
    expect(error.serverMessage).toContain('text/html');
    // A POST to an unknown route is 405.
    expect(
      await failure(() => misrouted.sendSms({ to: '+12025550142', lineId: 1, message: 'x' })),
    ).toMatchObject({
      code: 'bad_request',
      status: 405,
    });
  });

  it('rejects a JSON answer of the wrong shape as invalid_response', async () => {
    sim.failNext(1, { status: 200, path: '/users', body: { data: [] } });
    expect(await failure(() => client.listUsers())).toMatchObject({
      code: 'invalid_response',
      retriable: false,
    });
  });

  it('marks 5xx, 429, network errors and timeouts retriable and 403 not', async () => {
    sim.failNext(1, { status: 503 });
    expect(await failure(() => client.listUsers())).toMatchObject({
      code: 'server',
      status: 503,
      retriable: true,
    });

    sim.failNext(1, { status: 429, retryAfterSec: 2 });
    expect(await failure(() => client.lookupContactByPhone('2025550142'))).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retriable: true,
      retryAfterMs: 2000,
    });

    sim.failNext(1, { reset: true });
    expect(await failure(() => client.upsertContactForm({ phoneNumber: '2025550142' }))).toMatchObject({
      code: 'network',
      retriable: true,
    });

    sim.failNext(1, { status: 403 });
    expect(await failure(() => client.listUsers())).toMatchObject({ code: 'forbidden', retriable: false });

    const impatient = createAlowareClient({ baseUrl: sim.url, apiToken: TOKEN, timeoutMs: 50 });
    sim.setLatency(1_000);
    expect(await failure(() => impatient.listUsers())).toMatchObject({ code: 'timeout', retriable: true });
    sim.setLatency(0);

    // After the faults the API works again.
    expect(await client.listUsers()).toHaveLength(2);
  });
});
