/**
 * Typed client for the GHL (LeadConnector) API v2, scoped to one location (sub-account).
 *
 * - `Version` per operation: contacts, notes, tags, custom fields `2021-07-28`; conversations/messages `2021-04-15`;
 *   the OAuth token endpoint none (ghl-api.md §1.1).
 * - Bodies carry only the fields GHL's DTOs accept (GHL answers 422 to anything else, §1.5).
 * - Every call goes through the location's rate limiter; a 429 waits for `Retry-After` and retries, without limit
 *   by default (never dropped). 5xx / network / timeout are retried `retries` times (exponential backoff) only on
 *   idempotent operations; non-idempotent ones (create, send, inbound import, note create) surface the error so the
 *   caller's intent record decides.
 * - OAuth: tokens are refreshed 30 s before expiry and on a 401, single-flight per (token store, location). A refresh
 *   refused by GHL marks the connection broken and fails with `auth_broken` from then on (no loop).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { codeForStatus, GhlError } from './errors.ts';
import { type GhlRateLimiter, type RateLimiterOptions, sharedGhlRateLimiter } from './rate-limiter.ts';
import {
  contactEnvelope,
  createConversationResponse,
  customFieldsResponse,
  deleteResponse,
  duplicateResponse,
  type GhlContact,
  type GhlConversation,
  type GhlCustomField,
  type GhlNote,
  type GhlProcessMessageResult,
  type GhlSendMessageResult,
  type GhlTokenResponse,
  noteEnvelope,
  notesResponse,
  processMessageResponse,
  searchContactsResponse,
  searchConversationsResponse,
  sendMessageResponse,
  tagsResponse,
  tokenResponse,
  updateContactResponse,
  upsertContactResponse,
} from './schemas.ts';
import type { GhlTokenSet, GhlTokenStore } from './token-store.ts';

export const DEFAULT_GHL_BASE_URL = 'https://services.leadconnectorhq.com';
const CONTACTS_VERSION = '2021-07-28';
const CONVERSATIONS_VERSION = '2021-04-15';
const REFRESH_MARGIN_MS = 30_000;

export type GhlAuth =
  | { type: 'pit'; token: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; store: GhlTokenStore };

export interface GhlCallInfo {
  operation: string;
  method: string;
  status: number | undefined;
  durationMs: number;
  /** Time spent waiting for the rate limiter (including Retry-After pauses). */
  waitedMs: number;
  attempts: number;
  errorCode?: string;
}

export interface GhlClientOptions {
  locationId: string;
  auth: GhlAuth;
  /** Default `process.env.GHL_BASE_URL` or https://services.leadconnectorhq.com. */
  baseUrl?: string;
  /** Per-request timeout. Default 15 000 ms. */
  timeoutMs?: number;
  /** Default: the process-wide limiter of (baseUrl, locationId), see `sharedGhlRateLimiter`. */
  limiter?: GhlRateLimiter;
  /** Limits for that shared limiter when this client is the first to use it. Default 100 / 10 s. */
  rateLimit?: RateLimiterOptions;
  /** Retries of 5xx / network / timeout on idempotent operations. Default 2. */
  retries?: number;
  /** Base backoff for those retries. Default 250 ms (doubled, with jitter). */
  retryBaseDelayMs?: number;
  /** Cap on consecutive 429 retries of one call. Default Infinity (never drop). */
  maxRateLimitRetries?: number;
  /** Called after every call, for metrics (no bodies, no tokens). */
  onCall?: (info: GhlCallInfo) => void;
  fetch?: typeof fetch;
}

export interface GhlCustomFieldValue {
  id: string;
  value: unknown;
}

/** The contact fields GHL accepts on create / update / upsert (`CreateContactDto`). */
export interface GhlContactInput {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  website?: string | null;
  timezone?: string | null;
  dnd?: boolean;
  dndSettings?: Partial<
    Record<
      'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB',
      { status: string; message?: string; code?: string }
    >
  >;
  inboundDndSettings?: { all?: { status: string; message?: string } };
  tags?: string[];
  customFields?: GhlCustomFieldValue[];
  source?: string;
  dateOfBirth?: string | null;
  country?: string;
  companyName?: string | null;
  assignedTo?: string;
}

export type GhlContactUpdateInput = Omit<GhlContactInput, 'companyName'>;

export type GhlSearchFilter =
  | { field: string; operator: string; value?: unknown }
  | { group: 'AND' | 'OR'; filters: GhlSearchFilter[] };

export interface GhlSearchContactsInput {
  filters?: GhlSearchFilter[];
  query?: string;
  page?: number;
  pageLimit?: number;
  searchAfter?: (string | number)[];
  sort?: { field: string; direction: 'asc' | 'desc' }[];
}

export interface GhlNoteInput {
  body: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

export type GhlMessageChannel = 'SMS' | 'Email' | 'WhatsApp' | 'Custom' | 'Call' | 'RCS';

export interface GhlInboundMessageInput {
  conversationId: string;
  contactId: string;
  type?: GhlMessageChannel;
  message?: string;
  attachments?: string[];
  conversationProviderId?: string;
  /** The external (texting-system) message id. */
  altId?: string;
  /** ISO date-time of the message. */
  date?: string;
  direction?: 'inbound' | 'outbound';
}

export interface GhlSendMessageInput {
  contactId: string;
  type: Exclude<GhlMessageChannel, 'Call'>;
  message?: string;
  attachments?: string[];
  conversationProviderId?: string;
  fromNumber?: string;
  toNumber?: string;
}

export interface GhlMessageStatusInput {
  status: 'delivered' | 'failed' | 'pending' | 'read';
  error?: { code: string; type: string; message: string };
}

export interface GhlClient {
  readonly locationId: string;
  readonly limiter: GhlRateLimiter;
  getContact(contactId: string): Promise<GhlContact>;
  createContact(input: GhlContactInput & { gender?: string }): Promise<GhlContact>;
  /** `companyName` cannot be changed through update (not in `UpdateContactDto`); upsert accepts it. */
  updateContact(contactId: string, input: GhlContactUpdateInput): Promise<GhlContact>;
  upsertContact(
    input: GhlContactInput,
    options?: { createNewIfDuplicateAllowed?: boolean },
  ): Promise<{
    isNew: boolean;
    contact: GhlContact;
  }>;
  deleteContact(contactId: string): Promise<void>;
  findDuplicate(by: { email?: string; phone?: string }): Promise<GhlContact | undefined>;
  searchContacts(input?: GhlSearchContactsInput): Promise<{
    contacts: (GhlContact & { searchAfter?: (string | number)[] })[];
    total: number;
  }>;
  /** Every contact matching the filters, paged with `searchAfter` (no 10 000-record ceiling). */
  iterateContacts(filters: GhlSearchFilter[], options?: { pageLimit?: number }): AsyncIterable<GhlContact>;
  iterateContactsByTag(tag: string, options?: { pageLimit?: number }): AsyncIterable<GhlContact>;
  addTags(contactId: string, tags: string[]): Promise<string[]>;
  removeTags(contactId: string, tags: string[]): Promise<string[]>;
  listNotes(contactId: string): Promise<GhlNote[]>;
  createNote(contactId: string, note: GhlNoteInput): Promise<GhlNote>;
  updateNote(contactId: string, noteId: string, note: Partial<GhlNoteInput>): Promise<GhlNote>;
  deleteNote(contactId: string, noteId: string): Promise<void>;
  listCustomFields(model?: 'contact' | 'opportunity' | 'all'): Promise<GhlCustomField[]>;
  searchConversations(query?: { contactId?: string; limit?: number; startAfterDate?: number }): Promise<{
    conversations: GhlConversation[];
    total: number;
  }>;
  createConversation(contactId: string): Promise<{ id: string; contactId: string; locationId: string }>;
  /** The contact's conversation (GHL keeps one per contact), created when missing. */
  getOrCreateConversation(contactId: string): Promise<{ id: string; created: boolean }>;
  addInboundMessage(input: GhlInboundMessageInput): Promise<GhlProcessMessageResult>;
  sendMessage(input: GhlSendMessageInput): Promise<GhlSendMessageResult>;
  updateMessageStatus(messageId: string, input: GhlMessageStatusInput): Promise<GhlSendMessageResult>;
  /** Forces an OAuth refresh (single-flight). */
  refreshToken(): Promise<GhlTokenSet>;
}

interface Operation {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  version: string;
  idempotent: boolean;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
}

const CONTACT_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'dnd',
  'dndSettings',
  'inboundDndSettings',
  'tags',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
] as const;

function pick(input: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function contactBody(input: GhlContactInput, extra: readonly string[] = []): Record<string, unknown> {
  const body = pick(input, [...CONTACT_FIELDS, ...extra]);
  // `UpdateContactDto` has no companyName (GHL would answer 422 "property companyName should not exist").
  if (extra.includes('-companyName')) delete body.companyName;
  if (input.customFields)
    body.customFields = input.customFields.map((f) => ({ id: f.id, field_value: f.value }));
  return body;
}

// Single-flight refreshes, shared by every client that uses the same token store.
const refreshFlights = new WeakMap<GhlTokenStore, Map<string, Promise<GhlTokenSet>>>();

export function createGhlClient(options: GhlClientOptions): GhlClient {
  const baseUrl = (options.baseUrl ?? process.env.GHL_BASE_URL ?? DEFAULT_GHL_BASE_URL).replace(/\/$/, '');
  const locationId = options.locationId;
  const limiter = options.limiter ?? sharedGhlRateLimiter(`${baseUrl}|${locationId}`, options.rateLimit);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const retries = options.retries ?? 2;
  const retryBase = options.retryBaseDelayMs ?? 250;
  const max429 = options.maxRateLimitRetries ?? Number.POSITIVE_INFINITY;
  const doFetch = options.fetch ?? fetch;
  const auth = options.auth;

  const oauthCall = (form: Record<string, string>, operation: string) =>
    postTokenEndpoint({ baseUrl, form, operation, locationId, timeoutMs, fetch: doFetch });

  async function refresh(staleAccessToken?: string): Promise<GhlTokenSet> {
    if (auth.type !== 'oauth') throw new GhlError('unauthorized', { operation: 'refreshToken', locationId });
    let flights = refreshFlights.get(auth.store);
    if (!flights) {
      flights = new Map();
      refreshFlights.set(auth.store, flights);
    }
    const running = flights.get(locationId);
    if (running) return running;
    const flight = (async () => {
      const connection = await auth.store.get(locationId);
      if (!connection) throw new GhlError('auth_broken', { operation: 'refreshToken', locationId });
      if (connection.broken) throw new GhlError('auth_broken', { operation: 'refreshToken', locationId });
      // Someone refreshed since this caller read its token: use theirs.
      if (staleAccessToken !== undefined && connection.tokens.accessToken !== staleAccessToken) {
        return connection.tokens;
      }
      let response: GhlTokenResponse;
      try {
        response = await oauthCall(
          {
            client_id: auth.clientId,
            client_secret: auth.clientSecret,
            grant_type: 'refresh_token',
            refresh_token: connection.tokens.refreshToken,
            user_type: 'Location',
          },
          'refreshToken',
        );
      } catch (error) {
        if (error instanceof GhlError && !error.retriable && error.code !== 'invalid_response') {
          const reason = error.ghlMessages[0] ?? error.code;
          await auth.store.markBroken(locationId, reason);
          throw new GhlError('auth_broken', {
            operation: 'refreshToken',
            locationId,
            status: error.status,
            ghlMessages: error.ghlMessages,
            cause: error,
          });
        }
        throw error;
      }
      const tokens = tokenSetFrom(response);
      await auth.store.save(locationId, tokens);
      return tokens;
    })();
    flights.set(locationId, flight);
    try {
      return await flight;
    } finally {
      flights.delete(locationId);
    }
  }

  async function accessToken(): Promise<string> {
    if (auth.type === 'pit') return auth.token;
    const connection = await auth.store.get(locationId);
    if (!connection || connection.broken)
      throw new GhlError('auth_broken', { operation: 'auth', locationId });
    if (connection.tokens.expiresAt - REFRESH_MARGIN_MS <= Date.now()) {
      return (await refresh(connection.tokens.accessToken)).accessToken;
    }
    return connection.tokens.accessToken;
  }

  async function call<S extends z.ZodType>(op: Operation, schema: S): Promise<z.infer<S>> {
    const started = Date.now();
    let waited = 0;
    let attempts = 0;
    let rateLimitedRetries = 0;
    let failureRetries = 0;
    let refreshed = false;
    let priority = false;
    let status: number | undefined;
    const url = new URL(baseUrl + op.path);
    for (const [k, v] of Object.entries(op.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body = op.body === undefined ? undefined : JSON.stringify(op.body);
    const report = (errorCode?: string) =>
      options.onCall?.({
        operation: op.name,
        method: op.method,
        status,
        durationMs: Date.now() - started,
        waitedMs: waited,
        attempts,
        ...(errorCode && { errorCode }),
      });
    const fail = (error: GhlError): never => {
      report(error.code);
      throw error;
    };
    const backoff = async () => {
      const delay = retryBase * 2 ** failureRetries;
      failureRetries += 1;
      await sleep(delay + Math.random() * delay * 0.3);
    };

    for (;;) {
      let token: string;
      try {
        token = await accessToken();
      } catch (error) {
        return fail(
          error instanceof GhlError
            ? error
            : new GhlError('network', { operation: op.name, locationId, cause: error }),
        );
      }
      const grant = await limiter.acquire({ priority });
      waited += grant.waitedMs;
      attempts += 1;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: op.method,
          headers: {
            authorization: `Bearer ${token}`,
            version: op.version,
            accept: 'application/json',
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        grant.release();
        const timedOut =
          error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        const err = new GhlError(timedOut ? 'timeout' : 'network', {
          operation: op.name,
          locationId,
          cause: error,
        });
        if (op.idempotent && failureRetries < retries) {
          await backoff();
          continue;
        }
        return fail(err);
      }
      grant.release(response.headers);
      status = response.status;
      const text = await response.text().catch(() => '');

      if (response.status === 429 && rateLimitedRetries < max429) {
        rateLimitedRetries += 1;
        const pauseMs = retryAfterMs(response.headers.get('retry-after')) ?? limiter.limits.intervalMs;
        // The pause is counted in `waited` when the next acquire() waits for it.
        limiter.pause(pauseMs);
        priority = true;
        continue;
      }
      if (response.status === 401 && auth.type === 'oauth' && !refreshed) {
        refreshed = true;
        try {
          await refresh(token);
        } catch (error) {
          return fail(
            error instanceof GhlError ? error : new GhlError('network', { operation: op.name, locationId }),
          );
        }
        continue;
      }
      if (!response.ok) {
        const parsed = parseErrorBody(text);
        const code = codeForStatus(response.status, parsed.messages);
        const err = new GhlError(code, {
          operation: op.name,
          locationId,
          status: response.status,
          ghlMessages: parsed.messages,
          meta: parsed.meta,
        });
        if (err.retriable && op.idempotent && failureRetries < retries) {
          await backoff();
          continue;
        }
        return fail(err);
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        return fail(new GhlError('invalid_response', { operation: op.name, locationId, status }));
      }
      const result = schema.safeParse(json);
      if (!result.success) {
        return fail(
          new GhlError('invalid_response', {
            operation: op.name,
            locationId,
            status,
            ghlMessages: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          }),
        );
      }
      report();
      return result.data as z.infer<S>;
    }
  }

  const C = CONTACTS_VERSION;
  const V = CONVERSATIONS_VERSION;
  const enc = encodeURIComponent;

  const client: GhlClient = {
    locationId,
    limiter,
    async getContact(contactId) {
      const r = await call(
        {
          name: 'getContact',
          method: 'GET',
          path: `/contacts/${enc(contactId)}`,
          version: C,
          idempotent: true,
        },
        contactEnvelope,
      );
      return r.contact;
    },
    async createContact(input) {
      const body = { ...contactBody(input, ['gender']), locationId };
      const r = await call(
        { name: 'createContact', method: 'POST', path: '/contacts/', version: C, idempotent: false, body },
        contactEnvelope,
      );
      return r.contact;
    },
    async updateContact(contactId, input) {
      const r = await call(
        {
          name: 'updateContact',
          method: 'PUT',
          path: `/contacts/${enc(contactId)}`,
          version: C,
          idempotent: true,
          body: contactBody(input, ['-companyName']),
        },
        updateContactResponse,
      );
      return r.contact;
    },
    async upsertContact(input, opts = {}) {
      const body: Record<string, unknown> = { ...contactBody(input), locationId };
      if (opts.createNewIfDuplicateAllowed !== undefined) {
        body.createNewIfDuplicateAllowed = opts.createNewIfDuplicateAllowed;
      }
      const r = await call(
        {
          name: 'upsertContact',
          method: 'POST',
          path: '/contacts/upsert',
          version: C,
          idempotent: true,
          body,
        },
        upsertContactResponse,
      );
      return { isNew: r.new, contact: r.contact };
    },
    async deleteContact(contactId) {
      await call(
        {
          name: 'deleteContact',
          method: 'DELETE',
          path: `/contacts/${enc(contactId)}`,
          version: C,
          idempotent: true,
        },
        deleteResponse,
      );
    },
    async findDuplicate(by) {
      const r = await call(
        {
          name: 'findDuplicate',
          method: 'GET',
          path: '/contacts/search/duplicate',
          version: C,
          idempotent: true,
          query: { locationId, number: by.phone, email: by.email },
        },
        duplicateResponse,
      );
      return r.contact ?? undefined;
    },
    async searchContacts(input = {}) {
      const body: Record<string, unknown> = {
        locationId,
        pageLimit: input.pageLimit ?? 100,
        ...pick(input, ['filters', 'query', 'sort', 'searchAfter']),
      };
      if (input.searchAfter === undefined) body.page = input.page ?? 1;
      return call(
        {
          name: 'searchContacts',
          method: 'POST',
          path: '/contacts/search',
          version: C,
          idempotent: true,
          body,
        },
        searchContactsResponse,
      );
    },
    async *iterateContacts(filters, opts = {}) {
      let searchAfter: (string | number)[] | undefined;
      for (;;) {
        const page = await client.searchContacts({ filters, pageLimit: opts.pageLimit ?? 100, searchAfter });
        for (const contact of page.contacts) yield contact;
        const last = page.contacts.at(-1);
        if (!last?.searchAfter || page.contacts.length < (opts.pageLimit ?? 100)) return;
        searchAfter = last.searchAfter;
      }
    },
    iterateContactsByTag(tag, opts) {
      return client.iterateContacts([{ field: 'tags', operator: 'eq', value: tag.toLowerCase() }], opts);
    },
    async addTags(contactId, tags) {
      const r = await call(
        {
          name: 'addTags',
          method: 'POST',
          path: `/contacts/${enc(contactId)}/tags`,
          version: C,
          idempotent: true,
          body: { tags },
        },
        tagsResponse,
      );
      return r.tags;
    },
    async removeTags(contactId, tags) {
      const r = await call(
        {
          name: 'removeTags',
          method: 'DELETE',
          path: `/contacts/${enc(contactId)}/tags`,
          version: C,
          idempotent: true,
          body: { tags },
        },
        tagsResponse,
      );
      return r.tags;
    },
    async listNotes(contactId) {
      const r = await call(
        {
          name: 'listNotes',
          method: 'GET',
          path: `/contacts/${enc(contactId)}/notes`,
          version: C,
          idempotent: true,
        },
        notesResponse,
      );
      return r.notes;
    },
    async createNote(contactId, note) {
      const r = await call(
        {
          name: 'createNote',
          method: 'POST',
          path: `/contacts/${enc(contactId)}/notes`,
          version: C,
          idempotent: false,
          body: pick(note, ['body', 'userId', 'title', 'color', 'pinned']),
        },
        noteEnvelope,
      );
      return r.note;
    },
    async updateNote(contactId, noteId, note) {
      const r = await call(
        {
          name: 'updateNote',
          method: 'PUT',
          path: `/contacts/${enc(contactId)}/notes/${enc(noteId)}`,
          version: C,
          idempotent: true,
          body: pick(note, ['body', 'userId', 'title', 'color', 'pinned']),
        },
        noteEnvelope,
      );
      return r.note;
    },
    async deleteNote(contactId, noteId) {
      await call(
        {
          name: 'deleteNote',
          method: 'DELETE',
          path: `/contacts/${enc(contactId)}/notes/${enc(noteId)}`,
          version: C,
          idempotent: true,
        },
        deleteResponse,
      );
    },
    async listCustomFields(model = 'contact') {
      const r = await call(
        {
          name: 'listCustomFields',
          method: 'GET',
          path: `/locations/${enc(locationId)}/customFields`,
          version: C,
          idempotent: true,
          query: { model },
        },
        customFieldsResponse,
      );
      return r.customFields;
    },
    async searchConversations(query = {}) {
      return call(
        {
          name: 'searchConversations',
          method: 'GET',
          path: '/conversations/search',
          version: V,
          idempotent: true,
          query: {
            locationId,
            contactId: query.contactId,
            limit: query.limit,
            startAfterDate: query.startAfterDate,
          },
        },
        searchConversationsResponse,
      );
    },
    async createConversation(contactId) {
      const r = await call(
        {
          name: 'createConversation',
          method: 'POST',
          path: '/conversations/',
          version: V,
          idempotent: false,
          body: { locationId, contactId },
        },
        createConversationResponse,
      );
      return r.conversation;
    },
    async getOrCreateConversation(contactId) {
      const found = await client.searchConversations({ contactId, limit: 1 });
      const existing = found.conversations[0];
      if (existing) return { id: existing.id, created: false };
      try {
        return { id: (await client.createConversation(contactId)).id, created: true };
      } catch (error) {
        // Lost a race with another creator: GHL keeps one conversation per contact.
        if (error instanceof GhlError && error.code === 'bad_request') {
          const again = await client.searchConversations({ contactId, limit: 1 });
          if (again.conversations[0]) return { id: again.conversations[0].id, created: false };
        }
        throw error;
      }
    },
    async addInboundMessage(input) {
      const body = {
        type: input.type ?? 'SMS',
        ...pick(input, [
          'conversationId',
          'contactId',
          'conversationProviderId',
          'message',
          'attachments',
          'altId',
          'date',
          'direction',
        ]),
      };
      return call(
        {
          name: 'addInboundMessage',
          method: 'POST',
          path: '/conversations/messages/inbound',
          version: V,
          idempotent: false,
          body,
        },
        processMessageResponse,
      );
    },
    async sendMessage(input) {
      const body = pick(input, [
        'type',
        'contactId',
        'message',
        'attachments',
        'conversationProviderId',
        'fromNumber',
        'toNumber',
      ]);
      return call(
        {
          name: 'sendMessage',
          method: 'POST',
          path: '/conversations/messages',
          version: V,
          idempotent: false,
          body,
        },
        sendMessageResponse,
      );
    },
    async updateMessageStatus(messageId, input) {
      return call(
        {
          name: 'updateMessageStatus',
          method: 'PUT',
          path: `/conversations/messages/${enc(messageId)}/status`,
          version: V,
          idempotent: true,
          body: pick(input, ['status', 'error']),
        },
        sendMessageResponse,
      );
    },
    refreshToken: () => refresh(),
  };
  return client;
}

// ---------- OAuth ----------

function tokenSetFrom(r: GhlTokenResponse): GhlTokenSet {
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token,
    expiresAt: Date.now() + r.expires_in * 1000,
    ...(r.scope && { scope: r.scope }),
    ...(r.userType && { userType: r.userType }),
    ...(r.companyId && { companyId: r.companyId }),
  };
}

async function postTokenEndpoint(args: {
  baseUrl: string;
  form: Record<string, string>;
  operation: string;
  locationId?: string;
  timeoutMs: number;
  fetch: typeof fetch;
}): Promise<GhlTokenResponse> {
  let response: Response;
  try {
    response = await args.fetch(`${args.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(args.form).toString(),
      signal: AbortSignal.timeout(args.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new GhlError(timedOut ? 'timeout' : 'network', {
      operation: args.operation,
      locationId: args.locationId,
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const parsed = parseErrorBody(text);
    throw new GhlError(codeForStatus(response.status, parsed.messages), {
      operation: args.operation,
      locationId: args.locationId,
      status: response.status,
      ghlMessages: parsed.messages,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GhlError('invalid_response', { operation: args.operation, status: response.status });
  }
  const parsed = tokenResponse.safeParse(json);
  if (!parsed.success)
    throw new GhlError('invalid_response', { operation: args.operation, status: response.status });
  return parsed.data;
}

export interface ExchangeCodeOptions {
  code: string;
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
  store: GhlTokenStore;
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Exchanges the authorization code from the install redirect; saves the tokens under the returned location. */
export async function exchangeCode(
  options: ExchangeCodeOptions,
): Promise<{ locationId: string; tokens: GhlTokenSet }> {
  const baseUrl = (options.baseUrl ?? process.env.GHL_BASE_URL ?? DEFAULT_GHL_BASE_URL).replace(/\/$/, '');
  const form: Record<string, string> = {
    client_id: options.clientId,
    client_secret: options.clientSecret,
    grant_type: 'authorization_code',
    code: options.code,
    user_type: 'Location',
  };
  if (options.redirectUri) form.redirect_uri = options.redirectUri;
  const response = await postTokenEndpoint({
    baseUrl,
    form,
    operation: 'exchangeCode',
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: options.fetch ?? fetch,
  });
  if (!response.locationId) {
    throw new GhlError('invalid_response', {
      operation: 'exchangeCode',
      ghlMessages: ['no locationId (not a Location token)'],
    });
  }
  const tokens = tokenSetFrom(response);
  await options.store.save(response.locationId, tokens);
  return { locationId: response.locationId, tokens };
}

// ---------- helpers ----------

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseErrorBody(text: string): { messages: string[]; meta?: Record<string, unknown> } {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const raw = json.message ?? json.error_description ?? json.error;
    const messages = Array.isArray(raw) ? raw.map(String) : raw !== undefined ? [String(raw)] : [];
    const meta =
      json.meta && typeof json.meta === 'object' ? (json.meta as Record<string, unknown>) : undefined;
    return { messages, ...(meta && { meta }) };
  } catch {
    return { messages: [] };
  }
}
