import {
  createGhlClient,
  duplicateContactId,
  type GhlClient,
  InMemoryGhlTokenStore,
  isGhlError,
} from '@df/ghl-client';
import {
  type GhlSimulator,
  type GhlWebhookReceiver,
  startGhlSimulator,
  startGhlWebhookReceiver,
} from '@df/simulators';
import { waitFor } from '@df/test-kit';
import { ToolError } from '@df/tool-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let sim: GhlSimulator;
let provider: GhlWebhookReceiver;
let ghl: GhlClient;

async function caught(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error('expected a ToolError');
}

beforeAll(async () => {
  provider = await startGhlWebhookReceiver();
  // strictVersion: the simulator rejects any Version other than the one the operation declares.
  sim = await startGhlSimulator({ strictVersion: true, providerWebhookUrl: provider.url });
  ghl = createGhlClient({
    locationId: sim.locationId,
    auth: { type: 'pit', token: sim.pitToken },
    baseUrl: sim.url,
    retryBaseDelayMs: 10,
  });
});

afterAll(async () => {
  expect(sim.specViolations).toEqual([]);
  await sim.close();
  await provider.close();
});

describe('GHL client: contacts, tags, notes, custom fields', () => {
  it('creates, reads, updates, upserts and deletes a contact', async () => {
    const fields = await ghl.listCustomFields();
    const alowareId = fields.find((f) => f.fieldKey === 'contact.aloware_contact_id');
    expect(alowareId).toBeDefined();

    const created = await ghl.createContact({
      firstName: 'Grace',
      lastName: 'Hopper',
      email: 'grace@example.com',
      phone: '(555) 010-2000',
      tags: ['Navy'],
      customFields: [{ id: alowareId?.id as string, value: 'aw-123' }],
    });
    expect(created).toMatchObject({ firstName: 'Grace', phone: '+15550102000', tags: ['navy'] });
    expect(created.customFields).toEqual([{ id: alowareId?.id, value: 'aw-123' }]);

    const got = await ghl.getContact(created.id);
    expect(got.email).toBe('grace@example.com');

    const updated = await ghl.updateContact(created.id, { city: 'Arlington', website: null });
    expect(updated.city).toBe('Arlington');
    const withCompany = { city: 'Arlington', companyName: 'Navy' } as Parameters<
      GhlClient['updateContact']
    >[1];
    await ghl.updateContact(created.id, withCompany);
    expect(sim.contact(created.id)?.companyName).toBeUndefined();

    const upserted = await ghl.upsertContact({ email: 'grace@example.com', lastName: 'Murray Hopper' });
    expect(upserted).toMatchObject({ isNew: false, contact: { id: created.id, lastName: 'Murray Hopper' } });
    const fresh = await ghl.upsertContact({ phone: '+15550102001', firstName: 'New' });
    expect(fresh.isNew).toBe(true);

    expect((await ghl.findDuplicate({ phone: '+15550102000' }))?.id).toBe(created.id);
    expect(await ghl.findDuplicate({ email: 'nobody@example.com' })).toBeUndefined();

    await ghl.deleteContact(fresh.contact.id);
    expect(sim.contact(fresh.contact.id)).toBeUndefined();
  });

  it('surfaces the duplicate contact id on a duplicate create', async () => {
    const first = await ghl.createContact({ email: 'dup-client@example.com' });
    const error = await caught(ghl.createContact({ email: 'DUP-client@example.com' }));
    expect(error).toMatchObject({ code: 'bad_request', status: 400, retriable: false });
    expect(duplicateContactId(error)).toBe(first.id);
  });

  it('returns the contact GHL created while answering 422 (the upsert is not failed)', async () => {
    sim.failNextCreateAfterEffect(1);
    const upserted = await ghl.upsertContact({ phone: '+15550102077', firstName: 'Anyway' });
    expect(upserted).toMatchObject({ isNew: false, contact: { firstName: 'Anyway' } });
    expect(sim.contact(upserted.contact.id)?.firstName).toBe('Anyway');
    // A 422 that created nothing stays an error.
    sim.failNext(1, { status: 422, path: /^\/contacts\/upsert/ });
    const refused = await caught(ghl.upsertContact({ phone: '+15550102078' }));
    expect(refused).toMatchObject({ code: 'unprocessable', status: 422 });
  });

  it('adds and removes tags (lower-cased by GHL) and pages contacts by tag', async () => {
    const tag = `List ${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await ghl.createContact({
        firstName: `Member${i}`,
        phone: `+1555020${String(i).padStart(4, '0')}`,
      });
      ids.push(c.id);
      expect(await ghl.addTags(c.id, [tag])).toContain(tag.toLowerCase());
    }
    expect(await ghl.removeTags(ids[6] as string, [tag])).not.toContain(tag.toLowerCase());

    const seen: string[] = [];
    for await (const contact of ghl.iterateContactsByTag(tag, { pageLimit: 2 })) seen.push(contact.id);
    expect(seen.sort()).toEqual(ids.slice(0, 6).sort());
    const searchCalls = sim.requests.filter((r) => r.path === '/contacts/search');
    expect(searchCalls.length).toBeGreaterThanOrEqual(3);

    const page = await ghl.searchContacts({
      filters: [{ field: 'tags', operator: 'eq', value: tag }],
      pageLimit: 4,
      page: 2,
    });
    expect(page.total).toBe(6);
    expect(page.contacts).toHaveLength(2);
  });

  it('lists, creates and updates notes', async () => {
    const c = await ghl.createContact({ firstName: 'Noted' });
    const note = await ghl.createNote(c.id, { body: 'Outbound call: answered' });
    expect(note).toMatchObject({ body: 'Outbound call: answered', contactId: c.id });
    const updated = await ghl.updateNote(c.id, note.id, { body: 'Outbound call: answered, 2m 10s' });
    expect(updated.body).toBe('Outbound call: answered, 2m 10s');
    expect((await ghl.listNotes(c.id)).map((n) => n.id)).toEqual([note.id]);
    await ghl.deleteNote(c.id, note.id);
    expect(await ghl.listNotes(c.id)).toEqual([]);
  });
});

describe('GHL client: conversations and the custom provider', () => {
  it('imports inbound messages, sends through the provider and reports status (OAuth app token)', async () => {
    const store = new InMemoryGhlTokenStore();
    const minted = sim.issueOAuthTokens();
    await store.save(sim.locationId, {
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken,
      expiresAt: Date.now() + minted.expiresIn * 1000,
    });
    const app = createGhlClient({
      locationId: sim.locationId,
      baseUrl: sim.url,
      auth: {
        type: 'oauth',
        clientId: sim.oauthClient.clientId,
        clientSecret: sim.oauthClient.clientSecret,
        store,
      },
    });
    const contact = await app.createContact({ firstName: 'Texter', phone: '+15550103000' });
    const conv = await app.getOrCreateConversation(contact.id);
    expect(conv.created).toBe(true);
    expect(await app.getOrCreateConversation(contact.id)).toEqual({ id: conv.id, created: false });

    const inbound = await app.addInboundMessage({
      conversationId: conv.id,
      contactId: contact.id,
      conversationProviderId: sim.conversationProviderId,
      message: 'Is the offer still open?',
      altId: 'texting-msg-1',
    });
    expect(inbound).toMatchObject({ success: true, conversationId: conv.id });
    expect(sim.messages(conv.id)).toEqual([
      expect.objectContaining({ id: inbound.messageId, direction: 'inbound', altId: 'texting-msg-1' }),
    ]);
    const search = await app.searchConversations({ contactId: contact.id });
    expect(search.conversations[0]).toMatchObject({
      id: conv.id,
      lastMessageBody: 'Is the offer still open?',
    });

    const sent = await app.sendMessage({ type: 'SMS', contactId: contact.id, message: 'Yes it is' });
    const delivery = await waitFor('provider delivery', () =>
      provider.received.find((w) => w.json.messageId === sent.messageId),
    );
    expect(delivery.json).toMatchObject({ phone: '+15550103000', message: 'Yes it is' });
    const status = await app.updateMessageStatus(sent.messageId, { status: 'delivered' });
    expect(status.status).toBe('delivered');
    expect(sim.messages(conv.id).find((m) => m.id === sent.messageId)?.status).toBe('delivered');

    // Newest first, one per page here, the cursor leading to the older one.
    const first = await app.listMessages(conv.id, { limit: 1 });
    expect(first).toMatchObject({
      nextPage: true,
      messages: [{ id: sent.messageId, direction: 'outbound' }],
    });
    const second = await app.listMessages(conv.id, { limit: 1, lastMessageId: first.lastMessageId });
    expect(second).toMatchObject({
      nextPage: false,
      messages: [{ id: inbound.messageId, body: 'Is the offer still open?', altId: 'texting-msg-1' }],
    });
  });

  it("lists the location's users", async () => {
    const users = await ghl.listUsers();
    expect(users.map((u) => u.email)).toEqual(sim.users().map((u) => u.email));
    expect(users[0]).toMatchObject({ id: sim.users()[0]?.id, firstName: 'Grace' });
  });
});

describe('GHL client: errors', () => {
  it('classifies 5xx as retriable server errors (no retry of a non-idempotent create)', async () => {
    sim.failNext(1, { status: 503, path: /^\/contacts\/$/ });
    const error = await caught(ghl.createContact({ firstName: 'Boom' }));
    expect(error).toMatchObject({ code: 'server', status: 503, retriable: true, operation: 'createContact' });
  });

  it('retries 5xx on idempotent operations and then succeeds', async () => {
    const c = await ghl.createContact({ firstName: 'Flaky' });
    sim.failNext(2, { status: 500, path: new RegExp(`^/contacts/${c.id}$`), method: 'GET' });
    const got = await ghl.getContact(c.id);
    expect(got.id).toBe(c.id);
    const calls = sim.requests.filter((r) => r.path === `/contacts/${c.id}` && r.method === 'GET');
    expect(calls.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('classifies 4xx as non-retriable with the closed set of codes', async () => {
    const missing = await caught(ghl.getContact('doesNotExist00000000'));
    expect(missing).toMatchObject({ code: 'not_found', status: 400, retriable: false });

    sim.failNext(1, { status: 422, path: /\/notes$/ });
    const c = await ghl.createContact({ firstName: 'Bad' });
    const unprocessable = await caught(ghl.createNote(c.id, { body: 'secret body text' }));
    expect(unprocessable).toMatchObject({ code: 'unprocessable', status: 422, retriable: false });

    const other = createGhlClient({
      locationId: 'SomeOtherLocation000',
      auth: { type: 'pit', token: sim.pitToken },
      baseUrl: sim.url,
    });
    expect(await caught(other.listCustomFields())).toMatchObject({
      code: 'forbidden',
      status: 403,
      retriable: false,
    });

    const badToken = createGhlClient({
      locationId: sim.locationId,
      auth: { type: 'pit', token: 'pit-wrong' },
      baseUrl: sim.url,
    });
    const unauthorized = await caught(badToken.getContact(c.id));
    expect(unauthorized).toMatchObject({ code: 'unauthorized', status: 401, retriable: false });
    expect(unauthorized.message).not.toContain('pit-wrong');
    expect(unprocessable.message).not.toContain('secret body text');
    expect(unprocessable.message).not.toContain(sim.pitToken);
  });

  it('reports timeouts, network failures and invalid responses', async () => {
    const c = await ghl.createContact({ firstName: 'Slow' });
    sim.setLatency(400);
    try {
      const slow = createGhlClient({
        locationId: sim.locationId,
        auth: { type: 'pit', token: sim.pitToken },
        baseUrl: sim.url,
        timeoutMs: 50,
        retries: 0,
      });
      expect(await caught(slow.getContact(c.id))).toMatchObject({ code: 'timeout', retriable: true });
    } finally {
      sim.setLatency(0);
    }
    const down = createGhlClient({
      locationId: sim.locationId,
      auth: { type: 'pit', token: sim.pitToken },
      baseUrl: 'http://127.0.0.1:9',
      retries: 0,
    });
    expect(await caught(down.getContact(c.id))).toMatchObject({ code: 'network', retriable: true });

    sim.failNext(1, { status: 200, body: { contact: { id: 42 } }, path: new RegExp(`^/contacts/${c.id}$`) });
    const invalid = await caught(ghl.getContact(c.id));
    expect(invalid).toMatchObject({ code: 'invalid_response', retriable: false });
    expect(isGhlError(invalid, 'invalid_response')).toBe(true);
  });
});
