import { verify } from 'node:crypto';
import { waitFor } from '@df/test-kit';
import { describe, expect, it } from 'vitest';
import {
  call,
  expectValidRequest,
  expectValidResponse,
  hooks,
  provider,
  sim,
  useGhlSimulator,
  webhookSchemaKeys,
} from './ghl-contract-harness.ts';

// The every-operation contract test lives here because the last test ('emits only the fields each
// webhook event page documents') checks the webhook events fired by all tests before it in this file.
useGhlSimulator();

describe('GHL simulator: contract with the OpenAPI files', () => {
  it('every operation accepts spec-valid requests and answers spec-valid responses', async () => {
    const loc = sim.locationId;
    const create = {
      locationId: loc,
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+1 555 010 0001',
      tags: ['VIP'],
    };
    expectValidRequest('contacts', 'CreateContactDto', create);
    const created = await call('POST', '/contacts/', create);
    expect(created.status).toBe(201);
    expectValidResponse('contacts', 'POST', '/contacts/', created);
    const id = (created.body.contact as { id: string }).id;

    const got = await call('GET', `/contacts/${id}`);
    expectValidResponse('contacts', 'GET', '/contacts/{contactId}', got);
    expect(got.body.contact).toMatchObject({ id, phone: '+15550100001', tags: ['vip'] });

    const update = {
      city: 'London',
      dnd: true,
      dndSettings: { SMS: { status: 'active', message: 'opted out' } },
    };
    expectValidRequest('contacts', 'UpdateContactDto', update);
    const updated = await call('PUT', `/contacts/${id}`, update);
    expect(updated.status).toBe(200);
    expectValidResponse('contacts', 'PUT', '/contacts/{contactId}', updated);
    expect(updated.body.succeded).toBe(true);

    const upsert = { locationId: loc, email: 'ada@example.com', lastName: 'King' };
    expectValidRequest('contacts', 'UpsertContactDto', upsert);
    const upserted = await call('POST', '/contacts/upsert', upsert);
    expectValidResponse('contacts', 'POST', '/contacts/upsert', upserted);
    expect(upserted.body).toMatchObject({ new: false, contact: { id, lastName: 'King' } });

    const tags = { tags: ['Follow Up'] };
    expectValidRequest('contacts', 'TagsDTO', tags);
    const added = await call('POST', `/contacts/${id}/tags`, tags);
    expect(added.status).toBe(201);
    expectValidResponse('contacts', 'POST', '/contacts/{contactId}/tags', added);
    const removed = await call('DELETE', `/contacts/${id}/tags`, { tags: ['vip'] });
    expect(removed.status).toBe(200);
    expectValidResponse('contacts', 'DELETE', '/contacts/{contactId}/tags', removed);
    expect(removed.body.tags).toEqual(['follow up']);

    const note = { body: 'Called, no answer', userId: 'user1' };
    expectValidRequest('contacts', 'NotesDTO', note);
    const createdNote = await call('POST', `/contacts/${id}/notes`, note);
    expect(createdNote.status).toBe(201);
    expectValidResponse('contacts', 'POST', '/contacts/{contactId}/notes', createdNote);
    const noteId = (createdNote.body.note as { id: string }).id;
    const noteUpdate = await call('PUT', `/contacts/${id}/notes/${noteId}`, { body: 'Called back' });
    expectValidResponse('contacts', 'PUT', '/contacts/{contactId}/notes/{id}', noteUpdate);
    const noteList = await call('GET', `/contacts/${id}/notes`);
    expectValidResponse('contacts', 'GET', '/contacts/{contactId}/notes', noteList);
    expect(noteList.body.notes).toEqual([expect.objectContaining({ id: noteId, body: 'Called back' })]);

    const search = await call('POST', '/contacts/search', {
      locationId: loc,
      page: 1,
      pageLimit: 10,
      filters: [{ field: 'tags', operator: 'eq', value: 'Follow Up' }],
    });
    expectValidResponse('contacts', 'POST', '/contacts/search', search);
    expect(search.body.total).toBe(1);
    const dup = await call(
      'GET',
      `/contacts/search/duplicate?locationId=${loc}&number=${encodeURIComponent('+15550100001')}`,
    );
    expectValidResponse('contacts', 'GET', '/contacts/search/duplicate', dup);
    expect(dup.body.contact).toMatchObject({ id });

    const conversation = { locationId: loc, contactId: id };
    expectValidRequest('conversations', 'CreateConversationDto', conversation);
    const conv = await call('POST', '/conversations/', conversation);
    expect(conv.status).toBe(201);
    expectValidResponse('conversations', 'POST', '/conversations/', conv);
    const conversationId = (conv.body.conversation as { id: string }).id;
    const found = await call('GET', `/conversations/search?locationId=${loc}&contactId=${id}`);
    expectValidResponse('conversations', 'GET', '/conversations/search', found);
    expect(found.body.total).toBe(1);

    const oauth = sim.issueOAuthTokens();
    const inbound = {
      type: 'SMS',
      conversationId,
      contactId: id,
      conversationProviderId: sim.conversationProviderId,
      message: 'hello',
    };
    expectValidRequest('conversations', 'ProcessMessageBodyDto', inbound);
    const imported = await call('POST', '/conversations/messages/inbound', inbound, {
      token: oauth.accessToken,
    });
    expect(imported.status).toBe(200);
    expectValidResponse('conversations', 'POST', '/conversations/messages/inbound', imported);

    const send = { type: 'SMS', contactId: id, message: 'hi back' };
    const sent = await call('POST', '/conversations/messages', send, { token: oauth.accessToken });
    expect(sent.status).toBe(200);
    expectValidResponse('conversations', 'POST', '/conversations/messages', sent);
    const status = { status: 'delivered' };
    expectValidRequest('conversations', 'UpdateMessageStatusDto', status);
    const statusRes = await call('PUT', `/conversations/messages/${sent.body.messageId}/status`, status, {
      token: oauth.accessToken,
    });
    expect(statusRes.status).toBe(200);
    expectValidResponse('conversations', 'PUT', '/conversations/messages/{messageId}/status', statusRes);

    const deleted = await call('DELETE', `/contacts/${id}`);
    expectValidResponse('contacts', 'DELETE', '/contacts/{contactId}', deleted);
    expect(sim.contact(id)).toBeUndefined();

    expect(sim.specViolations).toEqual([]);
  });
});

describe('GHL simulator: behaviour', () => {
  it('signs webhooks (Ed25519 + legacy RSA) over the raw body, in the documented flat shape', async () => {
    const before = hooks.received.length;
    const res = await call('POST', '/contacts/', {
      locationId: sim.locationId,
      firstName: 'Hook',
      email: 'hook@example.com',
      tags: ['A'],
    });
    const id = (res.body.contact as { id: string }).id;
    await call('POST', `/contacts/${id}/notes`, { body: 'note body' });
    await sim.idle();
    const mine = hooks.received.slice(before).filter((w) => w.json.id === id || w.json.contactId === id);
    expect(mine.map((w) => w.json.type)).toEqual(['ContactCreate', 'NoteCreate']);
    for (const w of mine) {
      const ed = w.headers['x-ghl-signature'] as string;
      const rsa = w.headers['x-wh-signature'] as string;
      expect(verify(null, w.raw, sim.publicKeys.ed25519Pem, Buffer.from(ed, 'base64'))).toBe(true);
      expect(verify('sha256', w.raw, sim.publicKeys.rsaPem, Buffer.from(rsa, 'base64'))).toBe(true);
      const tampered = Buffer.from(w.raw.toString().replace('"locationId"', '"locationID"'));
      expect(verify(null, tampered, sim.publicKeys.ed25519Pem, Buffer.from(ed, 'base64'))).toBe(false);
      expect(w.json).toMatchObject({ locationId: sim.locationId, webhookId: expect.any(String) });
      expect(Date.parse(w.json.timestamp as string)).not.toBeNaN();
      const allowed = [...webhookSchemaKeys(w.json.type as string), 'timestamp', 'webhookId'];
      expect(Object.keys(w.json).filter((k) => !allowed.includes(k))).toEqual([]);
    }
    expect(mine[0]?.json).toMatchObject({
      type: 'ContactCreate',
      id,
      tags: ['a'],
      email: 'hook@example.com',
    });
  });

  it('fires ContactUpdate / ContactTagUpdate / ContactDndUpdate / ContactDelete on the matching changes', async () => {
    const c = sim.seedContact({ firstName: 'Events', phone: '+15550100777' }, { silent: true });
    const from = sim.events.length;
    await call('PUT', `/contacts/${c.id}`, { lastName: 'Changed' });
    await call('PUT', `/contacts/${c.id}`, { dnd: true });
    await call('POST', `/contacts/${c.id}/tags`, { tags: ['x'] });
    await call('POST', `/contacts/${c.id}/tags`, { tags: ['X'] });
    await call('DELETE', `/contacts/${c.id}`);
    expect(sim.events.slice(from).map((e) => e.type)).toEqual([
      'ContactUpdate',
      'ContactUpdate',
      'ContactDndUpdate',
      'ContactTagUpdate',
      'ContactDelete',
    ]);
    for (const type of ['ContactDndUpdate', 'ContactDelete']) {
      const e = sim.events.slice(from).find((x) => x.type === type) as Record<string, unknown>;
      const allowed = webhookSchemaKeys(type);
      expect(Object.keys(e).filter((k) => !allowed.includes(k))).toEqual([]);
    }
  });

  it('retries a failed webhook delivery with the same webhookId', async () => {
    await sim.idle();
    hooks.failNext(2, 503);
    const before = hooks.received.length;
    const c = sim.seedContact({ firstName: 'Retry' });
    await sim.idle();
    const delivery = sim.deliveries.find((d) => d.payload.id === c.id && d.type === 'ContactCreate');
    expect(delivery?.state).toBe('delivered');
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const got = hooks.received.slice(before).filter((w) => w.json.id === c.id);
    expect(got).toHaveLength(1);
    expect(got[0]?.json.webhookId).toBe(delivery?.webhookId);
  });

  it('sends ProviderOutboundMessage to the provider URL and OutboundMessage to the app webhook', async () => {
    const c = sim.seedContact({ firstName: 'Texter', phone: '+15550100555' }, { silent: true });
    const oauth = sim.issueOAuthTokens();
    const sent = await call(
      'POST',
      '/conversations/messages',
      { type: 'SMS', contactId: c.id, message: 'ping' },
      { token: oauth.accessToken },
    );
    await sim.idle();
    const delivered = await waitFor('provider webhook', () =>
      provider.received.find((w) => w.json.messageId === sent.body.messageId),
    );
    expect(delivered.json).toMatchObject({
      contactId: c.id,
      locationId: sim.locationId,
      type: 'SMS',
      phone: '+15550100555',
      message: 'ping',
    });
    expect(
      verify(
        null,
        delivered.raw,
        sim.publicKeys.ed25519Pem,
        Buffer.from(delivered.headers['x-ghl-signature'] as string, 'base64'),
      ),
    ).toBe(true);
    const allowed = [...webhookSchemaKeys('ProviderOutboundMessage'), 'timestamp', 'webhookId'];
    expect(Object.keys(delivered.json).filter((k) => !allowed.includes(k))).toEqual([]);
    expect(
      hooks.received.some(
        (w) => w.json.type === 'OutboundMessage' && w.json.messageId === sent.body.messageId,
      ),
    ).toBe(true);

    const conversationId = sent.body.conversationId as string;
    const pit = await call('POST', '/conversations/messages/inbound', {
      type: 'SMS',
      conversationId,
      contactId: c.id,
      conversationProviderId: sim.conversationProviderId,
      message: 'from pit',
    });
    expect(pit.status).toBe(401);
    expect(pit.body.message).toBe(
      `You don't have access to the conversationProvider with id: ${sim.conversationProviderId}`,
    );
  });

  it('injects faults: 5xx, 429 with Retry-After, latency, and "422 but created"', async () => {
    sim.failNext(2, { status: 500, path: /^\/contacts\/search\/duplicate/ });
    const url = `/contacts/search/duplicate?locationId=${sim.locationId}`;
    expect((await call('GET', url)).status).toBe(500);
    expect((await call('GET', url)).status).toBe(500);
    expect((await call('GET', url)).status).toBe(200);

    sim.failNext(1, { status: 429, retryAfterSec: 3 });
    const limited = await call('GET', url);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');

    sim.failNextCreateAfterEffect(1);
    const res = await call('POST', '/contacts/', { locationId: sim.locationId, email: 'ghost@example.com' });
    expect(res.status).toBe(422);
    expect(sim.contacts().some((c) => c.email === 'ghost@example.com')).toBe(true);
    expect(sim.events.some((e) => e.type === 'ContactCreate' && e.email === 'ghost@example.com')).toBe(true);
    const retry = await call('POST', '/contacts/', {
      locationId: sim.locationId,
      email: 'ghost@example.com',
    });
    expect(retry.status).toBe(400);

    // A dropped connection, before the effect or after it (the caller cannot tell which).
    sim.failNext(1, { reset: true, method: 'GET', path: '/contacts/search/duplicate' });
    await expect(call('GET', url)).rejects.toThrow();
    sim.failNext(1, { reset: true, afterEffect: true, method: 'POST', path: /^\/contacts\/$/ });
    await expect(
      call('POST', '/contacts/', { locationId: sim.locationId, email: 'dropped@example.com' }),
    ).rejects.toThrow();
    expect(sim.contacts().some((c) => c.email === 'dropped@example.com')).toBe(true);

    sim.setLatency(150);
    try {
      await call('GET', url);
      const entry = sim.requests.at(-1);
      expect(entry?.durationMs).toBeGreaterThanOrEqual(150);
    } finally {
      sim.setLatency(0);
    }
    expect(sim.requests.filter((r) => r.status === 500).length).toBeGreaterThanOrEqual(2);
  });

  it('paginates contact search by page and by searchAfter', async () => {
    const tag = `page-${Date.now()}`;
    for (let i = 0; i < 7; i++) sim.seedContact({ firstName: `P${i}`, tags: [tag] }, { silent: true });
    const filters = [{ field: 'tags', operator: 'eq', value: tag }];
    const p1 = await call('POST', '/contacts/search', {
      locationId: sim.locationId,
      page: 1,
      pageLimit: 3,
      filters,
    });
    const p3 = await call('POST', '/contacts/search', {
      locationId: sim.locationId,
      page: 3,
      pageLimit: 3,
      filters,
    });
    expect(p1.body.total).toBe(7);
    expect((p1.body.contacts as unknown[]).length).toBe(3);
    expect((p3.body.contacts as unknown[]).length).toBe(1);
    const seen: string[] = [];
    let after: unknown;
    for (;;) {
      const res = await call('POST', '/contacts/search', {
        locationId: sim.locationId,
        pageLimit: 3,
        filters,
        ...(after !== undefined && { searchAfter: after }),
      });
      const contacts = res.body.contacts as { id: string; searchAfter: unknown }[];
      if (contacts.length === 0) break;
      seen.push(...contacts.map((c) => c.id));
      after = contacts.at(-1)?.searchAfter;
    }
    expect(new Set(seen).size).toBe(7);
  });
  it('emits only the fields each webhook event page documents', async () => {
    await sim.idle();
    const types = new Set(sim.events.map((e) => e.type as string));
    expect([...types]).toEqual(
      expect.arrayContaining(['ContactCreate', 'NoteCreate', 'InboundMessage', 'OutboundMessage']),
    );
    for (const event of sim.events) {
      const allowed = webhookSchemaKeys(event.type as string);
      expect({ type: event.type, extra: Object.keys(event).filter((k) => !allowed.includes(k)) }).toEqual({
        type: event.type,
        extra: [],
      });
    }
    for (const payload of sim.providerEvents) {
      const allowed = webhookSchemaKeys('ProviderOutboundMessage');
      expect(Object.keys(payload).filter((k) => !allowed.includes(k))).toEqual([]);
    }
    expect(sim.deliveries.every((d) => d.state === 'delivered')).toBe(true);
  });
});
