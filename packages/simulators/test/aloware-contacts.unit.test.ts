import { describe, expect, it } from 'vitest';
import {
  api,
  envelope,
  fixtureFor,
  get,
  post,
  receiver,
  sim,
  TIMESTAMP,
  TOKEN,
  useAlowareSimulator,
} from './aloware-harness.ts';
import { shapeDiff } from './aloware-receiver.ts';

useAlowareSimulator();

describe('Lead API /webhook/forms', () => {
  it('creates (201), refuses an existing number without force_update (409) and updates with it (200)', async () => {
    for (const id of [500, 501]) sim.createList({ id, name: `List ${id}` });
    const created = await post('/forms', {
      phone_number: '2025550142',
      first_name: 'Ada',
      last_name: 'Example',
      email: 'ada@example.com',
      city: 'Washington',
      state: 'DC',
      zipcode: '20001',
      country: 'US',
      user_id: '120701',
      tags: 'Webinar 2026,Hot Lead',
      list_ids: '500,501',
      add_to_powerdialer: 1,
      investor_tier: 'gold',
    });
    expect(created).toMatchObject({ status: 201, json: { message: 'Contact created.' } });

    const again = await post('/forms', { phone_number: '+12025550142', first_name: 'Ada2' });
    expect(again).toMatchObject({ status: 409, json: { message: 'Contact already exists.' } });
    expect(sim.contact('+12025550142')?.first_name).toBe('Ada');

    const updated = await post('/forms', {
      phone_number: '(202) 555-0142',
      first_name: 'Adaline',
      email: '',
      is_dnc: 1,
      force_update: true,
    });
    expect(updated).toMatchObject({ status: 200, json: { message: 'Contact updated.' } });

    const contact = sim.contact('2025550142');
    expect(contact).toMatchObject({
      phone_number: '+12025550142',
      first_name: 'Adaline',
      last_name: 'Example',
      name: 'Adaline Example',
      email: 'ada@example.com', // an empty value does not erase a filled one
      cnam_city: 'Washington',
      cnam_state: 'DC',
      cnam_zipcode: '20001',
      cnam_country: 'US',
      user_id: 120701,
      is_dnc: true,
      intake_source: 'form-capture',
      investor_tier: 'gold',
    });
    expect(contact?.tags.map((t) => t.name)).toEqual(['Webinar 2026', 'Hot Lead']);
    expect(typeof contact?.tags[0]?.id).toBe('number');
    const lists = sim.lists();
    expect(lists.filter((l) => l.contactIds.includes(contact!.id)).map((l) => l.id)).toEqual(
      expect.arrayContaining([500, 501]),
    );
    expect(lists.find((l) => l.userId === 120701)?.contactIds).toEqual([contact!.id]);

    await sim.idle();
    expect(receiver.received.map((r) => envelope(r).event)).toEqual([
      'Contact-Created',
      'Contact-Updated',
      'Contact-DNC-Updated',
    ]);
    const last = envelope(receiver.received[2]!);
    expect(last.body.is_dnc).toBe(true);
  });

  it('answers 400 for a missing or invalid phone number', async () => {
    expect(await post('/forms', { first_name: 'X' })).toMatchObject({
      status: 400,
      json: { error: 'Phone number is empty or invalid.' },
    });
    expect(await post('/forms', { phone_number: '12' })).toMatchObject({ status: 400 });
  });

  it('puts a contact at the top of a list with powerdialer_position top', async () => {
    sim.createList({ id: 700, name: 'Callbacks' });
    await post('/forms', { phone_number: '2025550150', list_ids: '700' });
    await post('/forms', { phone_number: '2025550151', list_ids: '700', powerdialer_position: 'top' });
    const list = sim.lists().find((l) => l.id === 700)!;
    expect(list.contactIds).toEqual([sim.contact('2025550151')!.id, sim.contact('2025550150')!.id]);
  });

  it('refuses a list id it has never seen (lists are made in the UI) with 422, saving nothing', async () => {
    sim.createList({ id: 700, name: 'Callbacks' });
    const refused = await post('/forms', {
      phone_number: '2025550152',
      first_name: 'Ida',
      list_ids: '700,701',
    });
    expect(refused).toMatchObject({
      status: 422,
      json: { errors: { list_ids: ['The selected list ids is invalid.'] } },
    });
    expect(sim.contact('2025550152')).toBeUndefined();
    expect(sim.lists().find((l) => l.id === 700)?.contactIds).toEqual([]);
  });
});

describe('contact lookup by phone', () => {
  it('returns the contact object with cnam_* fields, 404 and 400 per the doc', async () => {
    await post('/forms', { phone_number: '2025550142', first_name: 'Ada', city: 'Washington', state: 'DC' });
    const found = await get('/contact/phone-number', { phone_number: '2025550142' });
    expect(found.status).toBe(200);
    const body = found.json as Record<string, unknown>;
    expect(shapeDiff(body, fixtureFor('Contact-Created').body)).toEqual([]);
    expect(body).toMatchObject({ phone_number: '+12025550142', cnam_city: 'Washington', cnam_state: 'DC' });
    expect(body).not.toHaveProperty('city');
    expect(typeof body.id).toBe('number');
    expect(body.created_at).toMatch(TIMESTAMP);

    expect(await get('/contact/phone-number', { phone_number: '2025550199' })).toMatchObject({
      status: 404,
      json: { error: 'Contact not found.' },
    });
    expect(await get('/contact/phone-number', { phone_number: '' })).toMatchObject({
      status: 400,
      json: { error: 'Phone number is empty or invalid.' },
    });
  });
});

describe('authentication and unknown routes', () => {
  it('takes api_token from the query on GET and the body on POST; 401 otherwise; ignores Authorization', async () => {
    expect((await api('/users', { query: { api_token: 'wrong' } })).status).toBe(401);
    expect((await api('/users')).status).toBe(401);
    expect((await api('/forms', { body: { phone_number: '2025550142' } })).status).toBe(401);
    const bearerOnly = await fetch(`${sim.apiUrl}/two-legged-call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 120701, contact_phone_number: '+12025550142', line_id: 63901 }),
    });
    expect(bearerOnly.status).toBe(401);
    // The token may also come in the query of a POST (the real one accepts both).
    const viaQuery = await api('/forms', {
      query: { api_token: TOKEN },
      body: { phone_number: '2025550142' },
    });
    expect(viaQuery.status).toBe(201);
    // The request log never keeps the token.
    expect(JSON.stringify(sim.requests)).not.toContain(TOKEN);
  });

  it('answers an undocumented GET with 200 HTML and an undocumented POST with 405', async () => {
    const html = await api('/calls', { query: { api_token: TOKEN } });
    expect(html.status).toBe(200);
    expect(html.contentType).toContain('text/html');
    expect(html.text.startsWith('<!DOCTYPE html>')).toBe(true);
    const other = await fetch(`${sim.url}/api/v1/communications`);
    expect(other.status).toBe(200);
    expect((await post('/powerdialer-add-contact-to-lists', { contact_id: 1 })).status).toBe(405);
  });
});
