/**
 * A stateful GoHighLevel (LeadConnector API v2) simulator: a Koa HTTP server that follows the official OpenAPI files
 * and the contract notes in docs/ghl-api.md. See README.md next to this file for what it models.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import {
  applyContactPatch,
  contactToApi,
  contactToWebhook,
  ghlId,
  matchesFilter,
  matchesQuery,
  normalizePhone,
  normalizeTags,
  type SearchFilter,
  type SimContact,
  type SimConversation,
  type SimCustomField,
  type SimMessage,
  type SimNote,
} from './model.ts';
import { type GhlSpecName, ghlSpec } from './spec.ts';
import {
  type GhlPublicKeys,
  type GhlSigningKeys,
  type WebhookDelivery,
  WebhookDispatcher,
  type WebhookRetryPolicy,
} from './webhooks.ts';

// ---------- public types ----------

export interface GhlRateLimitSettings {
  /** Burst: requests per interval per (app or PIT, location). Default 100. */
  max: number;
  /** Burst window in ms. Default 10 000. */
  intervalMs: number;
  /** Daily limit. Default 200 000. */
  daily: number;
  /** Send `Retry-After` (seconds) on 429. GHL does not document one; default true. */
  retryAfter: boolean;
}

export interface GhlLocationSettings {
  /** "Allow Duplicate Contact". Default false. */
  allowDuplicates: boolean;
  /** Matching order for duplicates and upsert. Default ['email', 'phone']. */
  duplicatePriority: ('email' | 'phone')[];
  /** Whether the location is active (an inactive one fails token refresh). */
  active: boolean;
}

export interface GhlSimulatorOptions {
  port?: number;
  host?: string;
  /** Locations (sub-accounts). Default one generated id. */
  locationIds?: string[];
  locationId?: string;
  /** The PIT of the first location; one is generated for every other location (see `pitTokens`). */
  pitToken?: string;
  oauthClient?: { clientId: string; clientSecret: string };
  /** Where contact/note/message webhooks are POSTed. */
  webhookUrl?: string;
  /** The custom conversation provider's Delivery URL (ProviderOutboundMessage). */
  providerWebhookUrl?: string;
  /** The marketplace conversation provider id; default generated. SMS sends go through it. */
  conversationProviderId?: string;
  latencyMs?: number;
  rateLimit?: Partial<GhlRateLimitSettings>;
  /** Enforce each operation's `Version` enum instead of accepting every published version. Default false. */
  strictVersion?: boolean;
  /** Status for an unknown contact id: GHL is reported to answer 400 (default); 404 optional. */
  notFoundStatus?: 400 | 404;
  webhookRetry?: Partial<WebhookRetryPolicy>;
  /** Sign with these keys instead of generating a pair per start. */
  signingKeys?: GhlSigningKeys;
  /** Send the legacy RSA `x-wh-signature` header as well. Default true. */
  legacySignature?: boolean;
  /** Reject re-use of a rotated refresh token. Default true. */
  rejectRefreshTokenReuse?: boolean;
  customFields?: Omit<SimCustomField, 'position'>[];
  locationSettings?: Partial<GhlLocationSettings>;
}

export interface SimRequest {
  id: string;
  /** Arrival time (epoch ms). */
  at: number;
  method: string;
  path: string;
  url: string;
  status: number;
  locationId?: string;
  /** `pit` / `oauth:<clientId>` / undefined for unauthenticated calls. */
  app?: string;
  durationMs?: number;
}

export interface FaultSpec {
  status: number;
  path?: RegExp;
  method?: string;
  retryAfterSec?: number;
  body?: unknown;
  /** Run the real handler (state change + webhooks) first, then answer with the fault ("422 but created"). */
  afterEffect?: boolean;
  /** Only this share (0–1) of matching requests is affected: a 5xx *rate* rather than a burst. */
  rate?: number;
  /** Hold the answer this long first (beyond a client's timeout, the call times out). */
  hangMs?: number;
}

export interface SpecViolation {
  method: string;
  path: string;
  status: number;
  errors: string[];
}

export interface GhlSimulator {
  readonly url: string;
  readonly port: number;
  readonly locationIds: string[];
  readonly locationId: string;
  readonly pitToken: string;
  readonly pitTokens: Record<string, string>;
  readonly oauthClient: { clientId: string; clientSecret: string };
  readonly conversationProviderId: string;
  readonly publicKeys: GhlPublicKeys;
  readonly requests: SimRequest[];
  /** Every webhook payload the simulator emitted (whether or not a URL was configured). */
  readonly events: Record<string, unknown>[];
  /** Every ProviderOutboundMessage payload (sent to `providerWebhookUrl` when one is configured). */
  readonly providerEvents: Record<string, unknown>[];
  readonly deliveries: WebhookDelivery[];
  /** Responses (or accepted requests) that did not validate against the OpenAPI files. Should stay empty. */
  readonly specViolations: SpecViolation[];
  contacts(locationId?: string): SimContact[];
  contact(contactId: string): SimContact | undefined;
  notes(contactId: string): SimNote[];
  conversations(locationId?: string): SimConversation[];
  messages(conversationId?: string): SimMessage[];
  customFields(locationId?: string): SimCustomField[];
  /** Creates a contact directly (as if typed in the GHL UI); fires ContactCreate unless `silent`. */
  seedContact(
    fields: Record<string, unknown>,
    options?: { locationId?: string; silent?: boolean },
  ): SimContact;
  /** Edits a contact as a GHL user would; fires the matching webhooks. */
  editContact(contactId: string, patch: Record<string, unknown>): SimContact;
  /** The next `count` requests matching `fault` answer `fault.status` (GHL-shaped body, optional Retry-After). */
  failNext(count: number, fault: FaultSpec): void;
  /** "422 but created": the next `count` contact creates/upserts take effect, then answer `status` (default 422). */
  failNextCreateAfterEffect(count: number, status?: number): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setRateLimit(settings: Partial<GhlRateLimitSettings>): void;
  /** Clears the rate-limit counters. */
  resetRateLimits(): void;
  setLocationSettings(locationId: string, settings: Partial<GhlLocationSettings>): void;
  setWebhookUrl(url: string | undefined): void;
  setProviderWebhookUrl(url: string | undefined): void;
  /** An authorization code for the OAuth `authorization_code` grant (what the redirect would carry). */
  issueAuthCode(locationId?: string): string;
  /** Mints an OAuth token pair directly (as if the app was installed). */
  issueOAuthTokens(locationId?: string): { accessToken: string; refreshToken: string; expiresIn: number };
  /** Expires every OAuth access token (of one location). API calls then get 401 until refreshed. */
  expireAccessTokens(locationId?: string): void;
  /** Resolves when all queued webhook deliveries (with retries) have finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

// ---------- internals ----------

const PUBLISHED_VERSIONS = new Set(['2021-04-15', '2021-07-28', '2023-02-21', 'v3']);
const CONTACTS_VERSION = '2021-07-28';
const CONVERSATIONS_VERSION = '2021-04-15';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const unauthorized = (message: string) =>
  new HttpError(401, { statusCode: 401, message, error: 'Unauthorized' });
const badRequest = (message: string, extra: Record<string, unknown> = {}) =>
  new HttpError(400, { statusCode: 400, message, ...extra });
const unprocessable = (messages: string[]) =>
  new HttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
const forbiddenLocation = () =>
  new HttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });

interface TokenRecord {
  digest: Buffer;
  token: string;
  kind: 'pit' | 'oauth';
  locationId: string;
  clientId?: string;
  expiresAt?: number;
}

interface RefreshRecord {
  digest: Buffer;
  locationId: string;
  clientId: string;
  used: boolean;
}

interface Location {
  id: string;
  settings: GhlLocationSettings;
  contacts: Map<string, SimContact>;
  customFields: SimCustomField[];
}

interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  token?: TokenRecord;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  /** The OpenAPI operation this route implements (for response validation). */
  spec?: { name: GhlSpecName; path: string };
  /** The version the operation declares; null = no Version header (OAuth token endpoint). */
  version: string | null;
  auth: boolean;
  handler: (
    req: RequestContext,
  ) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export async function startGhlSimulator(options: GhlSimulatorOptions = {}): Promise<GhlSimulator> {
  const spec = ghlSpec();
  const locationIds = options.locationIds ?? [options.locationId ?? ghlId()];
  const oauthClient = options.oauthClient ?? {
    clientId: `sim-client-${ghlId()}`,
    clientSecret: randomUUID(),
  };
  const conversationProviderId = options.conversationProviderId ?? ghlId();
  const rateLimit: GhlRateLimitSettings = {
    max: 100,
    intervalMs: 10_000,
    daily: 200_000,
    retryAfter: true,
    ...options.rateLimit,
  };
  const notFoundStatus = options.notFoundStatus ?? 400;
  let latencyMs = options.latencyMs ?? 0;
  let webhookUrl = options.webhookUrl;
  let providerWebhookUrl = options.providerWebhookUrl;
  const dispatcher = new WebhookDispatcher({
    retry: options.webhookRetry,
    legacySignature: options.legacySignature ?? true,
    ...(options.signingKeys && { signingKeys: options.signingKeys }),
  });

  const locations = new Map<string, Location>();
  const tokens: TokenRecord[] = [];
  const refreshTokens: RefreshRecord[] = [];
  const authCodes = new Map<string, string>();
  const pitTokens: Record<string, string> = {};
  locationIds.forEach((id, index) => {
    locations.set(id, {
      id,
      settings: {
        allowDuplicates: false,
        duplicatePriority: ['email', 'phone'],
        active: true,
        ...options.locationSettings,
      },
      contacts: new Map(),
      customFields: (
        options.customFields ?? [
          {
            id: ghlId(),
            name: 'Aloware Contact Id',
            fieldKey: 'contact.aloware_contact_id',
            dataType: 'TEXT',
            model: 'contact',
          },
          {
            id: ghlId(),
            name: 'Lead Score',
            fieldKey: 'contact.lead_score',
            dataType: 'NUMERICAL',
            model: 'contact',
          },
        ]
      ).map((f, position) => ({ ...f, position })),
    });
    const pit = index === 0 && options.pitToken ? options.pitToken : `pit-${randomUUID()}`;
    pitTokens[id] = pit;
    tokens.push({ digest: digest(pit), token: pit, kind: 'pit', locationId: id });
  });
  const firstLocation = locationIds[0] as string;
  const notes = new Map<string, SimNote>();
  const conversations = new Map<string, SimConversation>();
  const messages = new Map<string, SimMessage>();
  const requests: SimRequest[] = [];
  const events: Record<string, unknown>[] = [];
  const providerEvents: Record<string, unknown>[] = [];
  const specViolations: SpecViolation[] = [];
  const faults: (FaultSpec & { remaining: number })[] = [];
  const burst = new Map<string, number[]>();
  const daily = new Map<string, { day: string; count: number }>();

  // ----- helpers -----

  const findToken = (presented: string): TokenRecord | undefined => {
    const d = digest(presented);
    let found: TokenRecord | undefined;
    for (const record of tokens) if (timingSafeEqual(record.digest, d)) found = record;
    return found;
  };

  const location = (id: string): Location => {
    const loc = locations.get(id);
    if (!loc) throw forbiddenLocation();
    return loc;
  };

  const requireLocation = (req: RequestContext, locationId: unknown): Location => {
    if (typeof locationId !== 'string' || !locationId)
      throw unprocessable(['locationId should not be empty']);
    if (!req.token || req.token.locationId !== locationId) throw forbiddenLocation();
    return location(locationId);
  };

  const findContact = (id: string) => {
    for (const loc of locations.values()) {
      const c = loc.contacts.get(id);
      if (c) return c;
    }
    return undefined;
  };

  const requireContact = (req: RequestContext, id: string): SimContact => {
    const contact = findContact(id);
    if (!contact) {
      if (notFoundStatus === 404) throw new HttpError(404, { statusCode: 404, message: 'Contact not found' });
      throw badRequest(`Contact with id ${id} not found`);
    }
    if (req.token?.locationId !== contact.locationId) throw forbiddenLocation();
    return contact;
  };

  /** GHL's strict DTO whitelisting + schema validation, answered the NestJS/class-validator way. */
  const validateBody = (specName: GhlSpecName, schema: string, body: unknown): Record<string, unknown> => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw unprocessable([`${schema} must be an object`]);
    }
    const allowed = new Set(spec.schemaProperties(specName, schema));
    const messages = Object.keys(body)
      .filter((k) => !allowed.has(k))
      .map((k) => `property ${k} should not exist`);
    for (const error of spec.validateSchema(specName, schema, body)) {
      const field = error.path.replace(/^\//, '').replaceAll('/', '.');
      const text = error.message.replace(/^\S+\s/, '');
      messages.push(
        field
          ? `${field} ${text}`
          : text.replace(/must have required property '(.+)'/, '$1 should not be empty'),
      );
    }
    if (messages.length > 0) throw unprocessable(messages);
    return body as Record<string, unknown>;
  };

  const emit = (payload: Record<string, unknown>) => {
    capped(events, payload);
    if (webhookUrl) dispatcher.enqueue(webhookUrl, payload);
  };

  const resolveCustomFields = (
    loc: Location,
    input: unknown,
  ): { id: string; value: unknown }[] | undefined => {
    if (!Array.isArray(input)) return undefined;
    return input.map((raw, index) => {
      const f = raw as Record<string, unknown>;
      const key = typeof f.key === 'string' ? f.key.replace(/^contact\./, '') : undefined;
      const def = loc.customFields.find((d) => d.id === f.id || (key && d.fieldKey === `contact.${key}`));
      if (!def)
        throw unprocessable([`customFields.${index} custom field ${String(f.id ?? f.key)} does not exist`]);
      const value = f.fieldValue ?? f.field_value ?? f.value;
      return { id: def.id, value };
    });
  };

  const findDuplicate = (loc: Location, email: unknown, phone: unknown) => {
    for (const field of loc.settings.duplicatePriority) {
      for (const c of loc.contacts.values()) {
        if (
          field === 'email' &&
          typeof email === 'string' &&
          email &&
          c.email?.toLowerCase() === email.toLowerCase()
        ) {
          return { contact: c, matchingField: 'email' as const };
        }
        if (field === 'phone' && typeof phone === 'string' && phone && c.phone === normalizePhone(phone)) {
          return { contact: c, matchingField: 'phone' as const };
        }
      }
    }
    return undefined;
  };

  const newContact = (loc: Location, body: Record<string, unknown>): SimContact => {
    const now = new Date().toISOString();
    const contact: SimContact = {
      id: ghlId(),
      locationId: loc.id,
      dnd: false,
      tags: [],
      customFields: [],
      type: 'lead',
      dateAdded: now,
      dateUpdated: now,
    };
    applyContactPatch(contact, body, resolveCustomFields(loc, body.customFields));
    contact.dateUpdated = now;
    loc.contacts.set(contact.id, contact);
    emit({ type: 'ContactCreate', ...contactToWebhook(contact) });
    return contact;
  };

  const updateContact = (contact: SimContact, body: Record<string, unknown>) => {
    const loc = location(contact.locationId);
    const changed = applyContactPatch(contact, body, resolveCustomFields(loc, body.customFields));
    if (changed.size === 0) return;
    emit({ type: 'ContactUpdate', ...contactToWebhook(contact) });
    if (changed.has('tags')) emit({ type: 'ContactTagUpdate', ...contactToWebhook(contact) });
    if (changed.has('dnd') || changed.has('dndSettings')) {
      emit({
        type: 'ContactDndUpdate',
        ...contactToWebhook(contact),
        dndSettings: contact.dndSettings ?? {},
      });
    }
  };

  const noteToApi = (n: SimNote) => ({ ...n });
  const noteWebhook = (type: string, n: SimNote) => ({
    type,
    locationId: findContact(n.contactId)?.locationId ?? '',
    id: n.id,
    body: n.body,
    contactId: n.contactId,
    dateAdded: n.dateAdded,
  });

  const conversationFor = (contact: SimContact): SimConversation => {
    for (const c of conversations.values()) if (c.contactId === contact.id) return c;
    const now = new Date().toISOString();
    const conversation: SimConversation = {
      id: ghlId(),
      locationId: contact.locationId,
      contactId: contact.id,
      dateAdded: now,
      dateUpdated: now,
      unreadCount: 0,
    };
    conversations.set(conversation.id, conversation);
    return conversation;
  };

  const conversationToApi = (c: SimConversation) => {
    const contact = findContact(c.contactId);
    return {
      id: c.id,
      contactId: c.contactId,
      locationId: c.locationId,
      // The spec marks these required; a conversation without messages reports an empty body and TYPE_SMS.
      lastMessageBody: c.lastMessageBody ?? '',
      lastMessageType: c.lastMessageType ?? 'TYPE_SMS',
      type: 'TYPE_PHONE',
      unreadCount: c.unreadCount,
      fullName: contact?.name ?? '',
      contactName: contact?.name ?? '',
      email: contact?.email ?? '',
      phone: contact?.phone ?? '',
      dateAdded: Date.parse(c.dateAdded),
      dateUpdated: Date.parse(c.dateUpdated),
      lastMessageDate: c.lastMessageDate ? Date.parse(c.lastMessageDate) : undefined,
      lastMessageDirection: c.lastMessageDirection,
      tags: contact?.tags ?? [],
      sort: [Date.parse(c.dateUpdated)],
    };
  };

  const recordMessage = (m: Omit<SimMessage, 'id' | 'dateAdded'> & { dateAdded?: string }): SimMessage => {
    const message: SimMessage = { ...m, id: ghlId(), dateAdded: m.dateAdded ?? new Date().toISOString() };
    messages.set(message.id, message);
    const conversation = conversations.get(message.conversationId);
    if (conversation) {
      conversation.lastMessageBody = message.body ?? '';
      conversation.lastMessageType = message.messageType;
      conversation.lastMessageDate = message.dateAdded;
      conversation.lastMessageDirection = message.direction;
      conversation.dateUpdated = new Date().toISOString();
      if (message.direction === 'inbound') conversation.unreadCount += 1;
    }
    return message;
  };

  const messageWebhook = (m: SimMessage) => {
    const payload: Record<string, unknown> = {
      type: m.direction === 'inbound' ? 'InboundMessage' : 'OutboundMessage',
      locationId: m.locationId,
      attachments: m.attachments,
      body: m.body ?? '',
      contactId: m.contactId,
      contentType: 'text/plain',
      conversationId: m.conversationId,
      dateAdded: m.dateAdded,
      direction: m.direction,
      messageType: m.channel,
      messageId: m.id,
      status: m.status,
    };
    if (m.direction === 'outbound') payload.source = m.source ?? 'api';
    if (m.userId) payload.userId = m.userId;
    if (m.conversationProviderId) payload.conversationProviderId = m.conversationProviderId;
    return payload;
  };

  const issueTokens = (locationId: string, clientId: string) => {
    const accessToken = fakeJwt({ locationId, clientId });
    const refreshToken = fakeJwt({ locationId, clientId, kind: 'refresh' });
    const expiresIn = 86_399;
    tokens.push({
      digest: digest(accessToken),
      token: accessToken,
      kind: 'oauth',
      locationId,
      clientId,
      expiresAt: Date.now() + expiresIn * 1000,
    });
    refreshTokens.push({ digest: digest(refreshToken), locationId, clientId, used: false });
    return { accessToken, refreshToken, expiresIn };
  };

  // ----- routes -----

  const routes: Route[] = [];
  const route = (
    method: string,
    path: string,
    config: { spec?: GhlSpecName; specPath?: string; version: string | null; auth?: boolean },
    handler: Route['handler'],
  ) => {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\/$/, '').replace(/\{(\w+)\}/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    routes.push({
      method,
      pattern,
      keys,
      spec: config.spec ? { name: config.spec, path: config.specPath ?? path } : undefined,
      version: config.version,
      auth: config.auth ?? true,
      handler,
    });
  };
  const C = { spec: 'contacts' as const, version: CONTACTS_VERSION };
  const V = { spec: 'conversations' as const, version: CONVERSATIONS_VERSION };

  // Contacts
  route('POST', '/contacts/', C, (req) => {
    const body = validateBody('contacts', 'CreateContactDto', req.body);
    const loc = requireLocation(req, body.locationId);
    if (!loc.settings.allowDuplicates) {
      const dup = findDuplicate(loc, body.email, body.phone);
      if (dup) {
        throw badRequest('This location does not allow duplicated contacts.', {
          meta: {
            contactId: dup.contact.id,
            contactName: dup.contact.name ?? '',
            matchingField: dup.matchingField,
          },
        });
      }
    }
    const { locationId: _l, ...fields } = body;
    return { status: 201, body: { contact: contactToApi(newContact(loc, fields)) } };
  });
  route('POST', '/contacts/upsert', C, (req) => {
    const body = validateBody('contacts', 'UpsertContactDto', req.body);
    const loc = requireLocation(req, body.locationId);
    const { locationId: _l, createNewIfDuplicateAllowed, ...fields } = body;
    const alwaysCreate = createNewIfDuplicateAllowed === true && loc.settings.allowDuplicates;
    const dup = alwaysCreate ? undefined : findDuplicate(loc, fields.email, fields.phone);
    if (dup) {
      // First match wins; the other identifying field is ignored to avoid creating a duplicate.
      const patch = { ...fields };
      if (dup.matchingField === 'email' && patch.phone && findDuplicate(loc, undefined, patch.phone))
        delete patch.phone;
      if (dup.matchingField === 'phone' && patch.email && findDuplicate(loc, patch.email, undefined))
        delete patch.email;
      updateContact(dup.contact, patch);
      return { status: 200, body: { new: false, contact: contactToApi(dup.contact), traceId: randomUUID() } };
    }
    return {
      status: 200,
      body: { new: true, contact: contactToApi(newContact(loc, fields)), traceId: randomUUID() },
    };
  });
  route('GET', '/contacts/search/duplicate', C, (req) => {
    const loc = requireLocation(req, req.query.get('locationId'));
    const dup = findDuplicate(loc, req.query.get('email') ?? undefined, req.query.get('number') ?? undefined);
    return { status: 200, body: { contact: dup ? contactToApi(dup.contact) : null, traceId: randomUUID() } };
  });
  route('POST', '/contacts/search', C, (req) => {
    const body = validateSearchBody(req.body);
    const loc = requireLocation(req, body.locationId);
    let list = [...loc.contacts.values()];
    for (const filter of body.filters ?? []) list = list.filter((c) => matchesFilter(c, filter));
    if (body.query) list = list.filter((c) => matchesQuery(c, body.query as string));
    const sort = body.sort?.[0] ?? { field: 'dateAdded', direction: 'asc' };
    const keyOf = (c: SimContact): string | number => {
      const v = contactToApi(c)[sort.field];
      if (sort.field === 'dateAdded' || sort.field === 'dateUpdated') return Date.parse(String(v));
      return typeof v === 'number' ? v : String(v ?? '').toLowerCase();
    };
    const dir = sort.direction === 'desc' ? -1 : 1;
    const cmp = (a: [string | number, string], b: [string | number, string]) =>
      (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) * dir;
    const keyed = list.map((c) => ({ c, key: [keyOf(c), c.id] as [string | number, string] }));
    keyed.sort((a, b) => cmp(a.key, b.key));
    let page: typeof keyed;
    if (body.searchAfter) {
      const after = body.searchAfter as [string | number, string];
      page = keyed.filter((k) => cmp(k.key, after) > 0).slice(0, body.pageLimit);
    } else {
      const start = ((body.page ?? 1) - 1) * body.pageLimit;
      if (start + body.pageLimit > 10_000)
        throw badRequest('Use searchAfter to paginate beyond 10000 records');
      page = keyed.slice(start, start + body.pageLimit);
    }
    return {
      status: 200,
      body: {
        contacts: page.map(({ c, key }) => ({ ...contactToApi(c), searchAfter: key })),
        total: keyed.length,
        traceId: randomUUID(),
      },
    };
  });
  route('GET', '/contacts/{contactId}', C, (req) => ({
    status: 200,
    body: {
      contact: contactToApi(requireContact(req, req.params.contactId as string)),
      traceId: randomUUID(),
    },
  }));
  route('PUT', '/contacts/{contactId}', C, (req) => {
    const body = validateBody('contacts', 'UpdateContactDto', req.body);
    const contact = requireContact(req, req.params.contactId as string);
    updateContact(contact, body);
    return { status: 200, body: { succeded: true, contact: contactToApi(contact), traceId: randomUUID() } };
  });
  route('DELETE', '/contacts/{contactId}', C, (req) => {
    const contact = requireContact(req, req.params.contactId as string);
    location(contact.locationId).contacts.delete(contact.id);
    for (const [id, note] of notes) if (note.contactId === contact.id) notes.delete(id);
    emit({ type: 'ContactDelete', ...contactToWebhook(contact) });
    return { status: 200, body: { succeded: true, traceId: randomUUID() } };
  });

  // Tags
  const tagRoute = (method: 'POST' | 'DELETE') =>
    route(method, '/contacts/{contactId}/tags', C, (req) => {
      const body = validateBody('contacts', 'TagsDTO', req.body);
      const contact = requireContact(req, req.params.contactId as string);
      const tags = normalizeTags(body.tags as string[]);
      const next =
        method === 'POST'
          ? normalizeTags([...contact.tags, ...tags])
          : contact.tags.filter((t) => !tags.includes(t));
      if (JSON.stringify(next) !== JSON.stringify(contact.tags)) {
        contact.tags = next;
        contact.dateUpdated = new Date().toISOString();
        emit({ type: 'ContactTagUpdate', ...contactToWebhook(contact) });
      }
      return {
        status: method === 'POST' ? 201 : 200,
        body: { tags: [...contact.tags], traceId: randomUUID() },
      };
    });
  tagRoute('POST');
  tagRoute('DELETE');

  // Notes
  route('GET', '/contacts/{contactId}/notes', C, (req) => {
    const contact = requireContact(req, req.params.contactId as string);
    const list = [...notes.values()].filter((n) => n.contactId === contact.id).map(noteToApi);
    return { status: 200, body: { notes: list, traceId: randomUUID() } };
  });
  route('POST', '/contacts/{contactId}/notes', C, (req) => {
    const body = validateBody('contacts', 'NotesDTO', req.body);
    const contact = requireContact(req, req.params.contactId as string);
    const note: SimNote = {
      id: ghlId(),
      contactId: contact.id,
      body: body.body as string,
      dateAdded: new Date().toISOString(),
      ...(body.userId !== undefined && { userId: body.userId as string }),
      ...(body.title !== undefined && { title: body.title as string }),
      ...(body.color !== undefined && { color: body.color as string }),
      ...(body.pinned !== undefined && { pinned: body.pinned as boolean }),
    };
    notes.set(note.id, note);
    emit(noteWebhook('NoteCreate', note));
    return { status: 201, body: { note: noteToApi(note), traceId: randomUUID() } };
  });
  const requireNote = (req: RequestContext) => {
    const contact = requireContact(req, req.params.contactId as string);
    const note = notes.get(req.params.id as string);
    if (!note || note.contactId !== contact.id) throw badRequest(`Note with id ${req.params.id} not found`);
    return note;
  };
  route('GET', '/contacts/{contactId}/notes/{id}', C, (req) => ({
    status: 200,
    body: { note: noteToApi(requireNote(req)), traceId: randomUUID() },
  }));
  route('PUT', '/contacts/{contactId}/notes/{id}', C, (req) => {
    const body = validateBody('contacts', 'UpdateNoteDTO', req.body);
    const note = requireNote(req);
    for (const key of ['body', 'userId', 'title', 'color', 'pinned'] as const) {
      if (body[key] !== undefined) (note as unknown as Record<string, unknown>)[key] = body[key];
    }
    emit(noteWebhook('NoteUpdate', note));
    return { status: 200, body: { note: noteToApi(note), traceId: randomUUID() } };
  });
  route('DELETE', '/contacts/{contactId}/notes/{id}', C, (req) => {
    const note = requireNote(req);
    notes.delete(note.id);
    emit(noteWebhook('NoteDelete', note));
    return { status: 200, body: { succeded: true, traceId: randomUUID() } };
  });

  // Custom fields (apps/locations.json is not among the copied specs, so no response validation).
  route('GET', '/locations/{locationId}/customFields', { version: CONTACTS_VERSION }, (req) => {
    const loc = requireLocation(req, req.params.locationId);
    const model = req.query.get('model') ?? 'all';
    const list = loc.customFields
      .filter((f) => model === 'all' || f.model === model)
      .map((f) => ({
        ...f,
        placeholder: '',
        picklistOptions: [],
        picklistImageOptions: [],
        isAllowedCustomOption: false,
        isMultiFileAllowed: false,
        maxFileLimit: 0,
        locationId: loc.id,
      }));
    return { status: 200, body: { customFields: list, traceId: randomUUID() } };
  });

  // Conversations
  route('GET', '/conversations/search', V, (req) => {
    const loc = requireLocation(req, req.query.get('locationId'));
    const contactId = req.query.get('contactId');
    const limit = Number(req.query.get('limit') ?? 20);
    const startAfter = req.query.get('startAfterDate');
    const desc = (req.query.get('sort') ?? 'desc') === 'desc';
    let list = [...conversations.values()].filter((c) => c.locationId === loc.id);
    if (contactId) list = list.filter((c) => c.contactId === contactId);
    const total = list.length;
    list.sort((a, b) => (Date.parse(a.dateUpdated) - Date.parse(b.dateUpdated)) * (desc ? -1 : 1));
    if (startAfter) {
      const after = Number(startAfter);
      list = list.filter((c) =>
        desc ? Date.parse(c.dateUpdated) < after : Date.parse(c.dateUpdated) > after,
      );
    }
    return {
      status: 200,
      body: { conversations: list.slice(0, limit).map(conversationToApi), total, traceId: randomUUID() },
    };
  });
  route('POST', '/conversations/', V, (req) => {
    const body = validateBody('conversations', 'CreateConversationDto', req.body);
    const loc = requireLocation(req, body.locationId);
    const contact = loc.contacts.get(body.contactId as string);
    if (!contact) throw badRequest('Contact not found');
    const existing = [...conversations.values()].find((c) => c.contactId === contact.id);
    // UNCERTAIN in GHL (ghl-api.md §11.7): modelled as 400 carrying the existing conversation's id.
    if (existing) throw badRequest('Conversation already exists', { conversationId: existing.id });
    const c = conversationFor(contact);
    return {
      status: 201,
      body: {
        success: true,
        conversation: {
          id: c.id,
          dateUpdated: c.dateUpdated,
          dateAdded: c.dateAdded,
          deleted: false,
          contactId: c.contactId,
          locationId: c.locationId,
          lastMessageDate: c.lastMessageDate ?? c.dateAdded,
        },
        traceId: randomUUID(),
      },
    };
  });
  route('GET', '/conversations/{conversationId}', V, (req) => {
    const c = conversations.get(req.params.conversationId as string);
    if (!c) throw badRequest('Conversation not found');
    if (req.token?.locationId !== c.locationId) throw forbiddenLocation();
    return {
      status: 200,
      body: {
        id: c.id,
        contactId: c.contactId,
        locationId: c.locationId,
        deleted: false,
        inbox: true,
        type: 1,
        unreadCount: c.unreadCount,
        starred: false,
        traceId: randomUUID(),
      },
    };
  });
  route('POST', '/conversations/messages', V, (req) => {
    const body = validateBody('conversations', 'SendMessageBodyDto', req.body);
    const contact = requireContact(req, body.contactId as string);
    const type = body.type as string;
    const viaProvider =
      type === 'SMS' || (type === 'Custom' && body.conversationProviderId === conversationProviderId);
    if (body.conversationProviderId !== undefined && body.conversationProviderId !== conversationProviderId) {
      throw badRequest('Incorrect conversationProviderId/type');
    }
    if (type === 'SMS' && !contact.phone) throw badRequest('Contact does not have a phone number');
    const conversation = conversationFor(contact);
    const message = recordMessage({
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction: 'outbound',
      channel: type,
      messageType: viaProvider ? 'TYPE_CUSTOM_PROVIDER_SMS' : `TYPE_${type.toUpperCase()}`,
      body: body.message as string | undefined,
      attachments: (body.attachments as string[] | undefined) ?? [],
      status: 'pending',
      source: 'api',
      ...(viaProvider && { conversationProviderId }),
    });
    emit(messageWebhook(message));
    if (viaProvider) {
      const payload: Record<string, unknown> = {
        contactId: contact.id,
        locationId: contact.locationId,
        messageId: message.id,
        type,
        phone: contact.phone,
        message: message.body ?? '',
        attachments: message.attachments,
      };
      capped(providerEvents, payload);
      if (providerWebhookUrl) dispatcher.enqueue(providerWebhookUrl, payload);
    }
    return {
      status: 200,
      body: {
        conversationId: conversation.id,
        messageId: message.id,
        msg: 'Message queued successfully.',
        status: 'pending',
        traceId: randomUUID(),
      },
    };
  });
  route('POST', '/conversations/messages/inbound', V, (req) => {
    const body = validateBody('conversations', 'ProcessMessageBodyDto', req.body);
    const providerId = body.conversationProviderId as string | undefined;
    if (providerId !== undefined && req.token?.kind === 'pit') {
      throw unauthorized(`You don't have access to the conversationProvider with id: ${providerId}`);
    }
    if (providerId !== undefined && providerId !== conversationProviderId) {
      throw badRequest('Incorrect conversationProviderId/type');
    }
    const contact = requireContact(req, body.contactId as string);
    const conversation = conversations.get(body.conversationId as string);
    if (!conversation || conversation.contactId !== contact.id) throw badRequest('Conversation not found');
    const direction = body.direction === 'outbound' ? 'outbound' : 'inbound';
    const type = body.type as string;
    const message = recordMessage({
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction,
      channel: type,
      messageType: providerId ? 'TYPE_CUSTOM_PROVIDER_SMS' : `TYPE_${type.toUpperCase()}`,
      body: body.message as string | undefined,
      attachments: (body.attachments as string[] | undefined) ?? [],
      status: 'delivered',
      ...(typeof body.date === 'string' && { dateAdded: new Date(body.date).toISOString() }),
      ...(providerId && { conversationProviderId: providerId }),
      ...(typeof body.altId === 'string' && { altId: body.altId }),
    });
    emit(messageWebhook(message));
    return {
      status: 200,
      body: {
        success: true,
        conversationId: conversation.id,
        messageId: message.id,
        message: 'Message added successfully',
        contactId: contact.id,
        dateAdded: message.dateAdded,
        traceId: randomUUID(),
      },
    };
  });
  route('PUT', '/conversations/messages/{messageId}/status', V, (req) => {
    const body = validateBody('conversations', 'UpdateMessageStatusDto', req.body);
    const message = messages.get(req.params.messageId as string);
    if (!message) throw badRequest('Message not found');
    if (req.token?.locationId !== message.locationId) throw forbiddenLocation();
    // Only the conversation provider's marketplace app may update statuses (ConversationProviders.md).
    if (req.token?.kind === 'pit' || !message.conversationProviderId) {
      throw unauthorized(
        `You don't have access to the conversationProvider with id: ${conversationProviderId}`,
      );
    }
    message.status = body.status as string;
    if (body.error !== undefined) message.error = body.error;
    return {
      status: 200,
      body: {
        conversationId: message.conversationId,
        messageId: message.id,
        status: message.status,
        traceId: randomUUID(),
      },
    };
  });

  // OAuth
  route('POST', '/oauth/token', { spec: 'oauth', version: null, auth: false }, (req) => {
    const body = validateBody('oauth', 'GetAccessCodebodyDto', req.body);
    const clientOk =
      timingSafeEqual(digest(String(body.client_id)), digest(oauthClient.clientId)) &&
      timingSafeEqual(digest(String(body.client_secret)), digest(oauthClient.clientSecret));
    if (!clientOk) throw unauthorized('Invalid client credentials');
    const invalidGrant = (message: string) => badRequest(message, { error: 'invalid_grant' });
    let locationId: string;
    if (body.grant_type === 'authorization_code') {
      const code = typeof body.code === 'string' ? body.code : '';
      const codeLocation = authCodes.get(code);
      if (!codeLocation) throw invalidGrant('Invalid grant: authorization code is invalid');
      authCodes.delete(code);
      locationId = codeLocation;
    } else if (body.grant_type === 'refresh_token') {
      const d = digest(String(body.refresh_token ?? ''));
      const record = refreshTokens.find((r) => timingSafeEqual(r.digest, d));
      if (!record || (record.used && (options.rejectRefreshTokenReuse ?? true))) {
        throw invalidGrant('Invalid grant: refresh token is invalid');
      }
      if (!location(record.locationId).settings.active) throw invalidGrant('Location is not active');
      record.used = true;
      locationId = record.locationId;
    } else {
      throw badRequest('Unsupported grant_type', { error: 'unsupported_grant_type' });
    }
    const issued = issueTokens(locationId, oauthClient.clientId);
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        refresh_token: issued.refreshToken,
        scope:
          'contacts.readonly contacts.write conversations.readonly conversations.write conversations/message.readonly conversations/message.write locations/customFields.readonly',
        userType: 'Location',
        locationId,
        companyId: 'sim-company',
        userId: 'sim-installer',
        isBulkInstallation: false,
        traceId: randomUUID(),
      },
    };
  });

  // ----- the pipeline -----

  const app = new Koa();
  // The admin API (fault injection and inspection over HTTP, for a standalone simulator); not logged as API calls.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/__sim/')) return next();
    const body = ctx.method === 'POST' ? JSON.parse((await readBody(ctx.req)).toString('utf8') || '{}') : {};
    const route = `${ctx.method} ${ctx.path}`;
    if (route === 'POST /__sim/faults') {
      const { count, path, ...fault } = body as FaultSpec & { count?: number; path?: string };
      simulator.failNext(count ?? Number.POSITIVE_INFINITY, {
        ...fault,
        ...(path ? { path: new RegExp(path) } : {}),
      });
      ctx.status = 204;
    } else if (route === 'DELETE /__sim/faults') {
      simulator.clearFaults();
      ctx.status = 204;
    } else if (route === 'POST /__sim/latency') {
      simulator.setLatency(Number(body.ms ?? 0));
      ctx.status = 204;
    } else if (route === 'GET /__sim/state') {
      ctx.body = {
        contacts: simulator.contacts(),
        notes: simulator.contacts().flatMap((c) => simulator.notes(c.id)),
        conversations: simulator.conversations(),
      };
    } else if (route === 'GET /__sim/requests') {
      ctx.body = simulator.requests;
    } else if (route === 'POST /__sim/idle') {
      await simulator.idle();
      ctx.status = 204;
    } else {
      ctx.status = 404;
      ctx.body = { error: `no admin route ${route}` };
    }
  });
  app.use(async (ctx) => {
    const entry: SimRequest = {
      id: randomUUID(),
      at: Date.now(),
      method: ctx.method,
      path: ctx.path,
      url: ctx.url,
      status: 0,
    };
    capped(requests, entry);
    const rateHeaders = (key: string | undefined) => {
      const used = key ? pruneBurst(key).length : 0;
      const day = entry.locationId ? (daily.get(entry.locationId)?.count ?? 0) : 0;
      ctx.set('X-RateLimit-Limit-Daily', String(rateLimit.daily));
      ctx.set('X-RateLimit-Daily-Remaining', String(Math.max(0, rateLimit.daily - day)));
      ctx.set('X-RateLimit-Interval-Milliseconds', String(rateLimit.intervalMs));
      ctx.set('X-RateLimit-Max', String(rateLimit.max));
      ctx.set('X-RateLimit-Remaining', String(Math.max(0, rateLimit.max - used)));
    };
    const pruneBurst = (key: string) => {
      const list = burst.get(key) ?? [];
      const cutoff = Date.now() - rateLimit.intervalMs;
      while (list.length > 0 && (list[0] as number) <= cutoff) list.shift();
      burst.set(key, list);
      return list;
    };
    let rateKey: string | undefined;
    let matched: Route | undefined;
    try {
      const raw = await readBody(ctx.req);
      let params: Record<string, string> = {};
      const routePath = ctx.path.length > 1 ? ctx.path.replace(/\/$/, '') : ctx.path;
      matched = routes.find((r) => r.method === ctx.method && r.pattern.test(routePath));
      if (!matched) {
        throw new HttpError(404, {
          statusCode: 404,
          message: `Cannot ${ctx.method} ${ctx.path}`,
          error: 'Not Found',
        });
      }
      const match = matched.pattern.exec(routePath) as RegExpExecArray;
      params = Object.fromEntries(
        matched.keys.map((k, i) => [k, decodeURIComponent(match[i + 1] as string)]),
      );
      if (latencyMs > 0) await sleep(latencyMs);

      if (matched.version !== null) {
        const version = ctx.get('version');
        if (!version) throw unauthorized('version header was not found.');
        const ok = options.strictVersion ? version === matched.version : PUBLISHED_VERSIONS.has(version);
        if (!ok) throw unauthorized('version header is invalid');
      }
      let token: TokenRecord | undefined;
      if (matched.auth) {
        const header = ctx.get('authorization');
        const presented = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
        token = presented ? findToken(presented) : undefined;
        if (!token) throw unauthorized('Invalid token: access token is invalid');
        if (token.expiresAt !== undefined && token.expiresAt <= Date.now()) throw unauthorized('Invalid JWT');
        entry.locationId = token.locationId;
        entry.app = token.kind === 'pit' ? 'pit' : `oauth:${token.clientId}`;
        rateKey = `${token.kind === 'pit' ? token.token : token.clientId}|${token.locationId}`;
        const window = pruneBurst(rateKey);
        const today = new Date().toISOString().slice(0, 10);
        // Burst: per app (or PIT) per location. Daily: per location, shared by all its apps and PITs (§6).
        const dayEntry = daily.get(token.locationId);
        const dayCount = dayEntry?.day === today ? dayEntry.count : 0;
        if (window.length >= rateLimit.max || dayCount >= rateLimit.daily) {
          const headers: Record<string, string> = {};
          if (rateLimit.retryAfter) {
            const waitMs =
              dayCount >= rateLimit.daily
                ? Date.parse(`${today}T00:00:00.000Z`) + 86_400_000 - Date.now()
                : (window[0] as number) + rateLimit.intervalMs - Date.now();
            headers['Retry-After'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
          }
          throw new HttpError(429, { statusCode: 429, message: 'Too Many Requests' }, headers);
        }
        window.push(Date.now());
        daily.set(token.locationId, { day: today, count: dayCount + 1 });
      }

      const fault = takeFault(ctx.method, ctx.path, entry);
      if (fault?.hangMs) await sleep(fault.hangMs);
      if (fault && !fault.afterEffect) throw faultError(fault);
      const body = parseBody(raw, ctx.get('content-type'));
      const result = await matched.handler({
        params,
        query: new URLSearchParams(ctx.querystring),
        body,
        token,
      });
      if (fault) throw faultError(fault);
      ctx.status = result.status;
      ctx.body = result.body;
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = error.body;
        for (const [k, v] of Object.entries(error.headers)) ctx.set(k, v);
      } else {
        ctx.status = 500;
        ctx.body = { statusCode: 500, message: 'Internal Server Error' };
        console.error('[ghl-simulator] handler error', error instanceof Error ? error.message : error);
      }
    } finally {
      rateHeaders(rateKey);
      entry.status = ctx.status;
      entry.durationMs = Date.now() - entry.at;
      if (matched?.spec && typeof ctx.body === 'object' && ctx.body !== null) {
        const errors = spec.validateResponse(
          matched.spec.name,
          ctx.method,
          matched.spec.path,
          ctx.status,
          ctx.body,
        );
        if (errors.length > 0 && !isInjected(entry)) {
          specViolations.push({
            method: ctx.method,
            path: matched.spec.path,
            status: ctx.status,
            errors: errors.map((e) => e.message),
          });
        }
      }
    }
  });

  const injected = new WeakSet<SimRequest>();
  const isInjected = (entry: SimRequest) => injected.has(entry);
  const takeFault = (method: string, path: string, entry: SimRequest) => {
    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method === method) &&
        (!f.path || f.path.test(path)) &&
        (f.rate === undefined || Math.random() < f.rate),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) faults.splice(faults.indexOf(fault), 1);
    injected.add(entry);
    return fault;
  };
  const faultError = (fault: FaultSpec) => {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSec !== undefined) headers['Retry-After'] = String(fault.retryAfterSec);
    const body =
      (fault.body as Record<string, unknown> | undefined) ??
      (fault.status === 422
        ? { statusCode: 422, message: ['Unprocessable Entity'], error: 'Unprocessable Entity' }
        : fault.status === 429
          ? { statusCode: 429, message: 'Too Many Requests' }
          : {
              statusCode: fault.status,
              message: fault.status >= 500 ? 'Internal Server Error' : 'Bad Request',
            });
    return new HttpError(fault.status, body, headers);
  };

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 1_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  const simulator: GhlSimulator = {
    url,
    port,
    locationIds,
    locationId: firstLocation,
    pitToken: pitTokens[firstLocation] as string,
    pitTokens,
    oauthClient,
    conversationProviderId,
    publicKeys: dispatcher.publicKeys,
    requests,
    events,
    providerEvents,
    deliveries: dispatcher.deliveries,
    specViolations,
    contacts: (locationId = firstLocation) => [...(locations.get(locationId)?.contacts.values() ?? [])],
    contact: (id) => findContact(id),
    notes: (contactId) => [...notes.values()].filter((n) => n.contactId === contactId),
    conversations: (locationId = firstLocation) =>
      [...conversations.values()].filter((c) => c.locationId === locationId),
    messages: (conversationId) =>
      [...messages.values()].filter(
        (m) => conversationId === undefined || m.conversationId === conversationId,
      ),
    customFields: (locationId = firstLocation) => [...(locations.get(locationId)?.customFields ?? [])],
    seedContact(fields, opts = {}) {
      const loc = location(opts.locationId ?? firstLocation);
      if (opts.silent) {
        const before = events.length;
        const saved = webhookUrl;
        webhookUrl = undefined;
        const contact = newContact(loc, fields);
        webhookUrl = saved;
        events.splice(before);
        return contact;
      }
      return newContact(loc, fields);
    },
    editContact(contactId, patch) {
      const contact = findContact(contactId);
      if (!contact) throw new Error(`no contact ${contactId}`);
      updateContact(contact, patch);
      return contact;
    },
    failNext(count, fault) {
      faults.push({ ...fault, remaining: count });
    },
    failNextCreateAfterEffect(count, status = 422) {
      faults.push({
        status,
        method: 'POST',
        path: /^\/contacts\/(upsert)?$/,
        afterEffect: true,
        remaining: count,
      });
    },
    clearFaults() {
      faults.splice(0);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setRateLimit(settings) {
      Object.assign(rateLimit, settings);
    },
    resetRateLimits() {
      burst.clear();
      daily.clear();
    },
    setLocationSettings(locationId, settings) {
      Object.assign(location(locationId).settings, settings);
    },
    setWebhookUrl(next) {
      webhookUrl = next;
    },
    setProviderWebhookUrl(next) {
      providerWebhookUrl = next;
    },
    issueAuthCode(locationId = firstLocation) {
      location(locationId);
      const code = randomUUID().replaceAll('-', '');
      authCodes.set(code, locationId);
      return code;
    },
    issueOAuthTokens(locationId = firstLocation) {
      location(locationId);
      return issueTokens(locationId, oauthClient.clientId);
    },
    expireAccessTokens(locationId) {
      for (const t of tokens) {
        if (t.kind === 'oauth' && (locationId === undefined || t.locationId === locationId)) t.expiresAt = 0;
      }
    },
    idle: () => dispatcher.idle(),
    async close() {
      dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return simulator;
}

/** Logs are kept for tests; a long-running standalone simulator keeps the newest 100 000 entries. */
const LOG_LIMIT = 100_000;
function capped<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
}

// ---------- request parsing ----------

async function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, {
      statusCode: 400,
      message: 'Unexpected token in JSON body',
      error: 'Bad Request',
    });
  }
}

interface SearchBody {
  locationId: string;
  page?: number;
  pageLimit: number;
  searchAfter?: unknown[];
  filters?: SearchFilter[];
  sort?: { field: string; direction: 'asc' | 'desc' }[];
  query?: string;
}

/** `SearchBodyV2DTO` is empty in the spec; the documented body (ghl-api.md §2.5) is validated by hand. */
function validateSearchBody(body: unknown): SearchBody {
  if (typeof body !== 'object' || body === null) throw unprocessable(['body must be an object']);
  const b = body as Record<string, unknown>;
  const allowed = ['locationId', 'page', 'pageLimit', 'searchAfter', 'filters', 'sort', 'query'];
  const messages = Object.keys(b)
    .filter((k) => !allowed.includes(k))
    .map((k) => `property ${k} should not exist`);
  if (typeof b.locationId !== 'string') messages.push('locationId must be a string');
  if (typeof b.pageLimit !== 'number' || b.pageLimit < 1 || b.pageLimit > 500) {
    messages.push('pageLimit must not be greater than 500', 'pageLimit must be a number');
  }
  if (b.page !== undefined && (typeof b.page !== 'number' || b.page < 1))
    messages.push('page must be a number');
  if (b.page !== undefined && b.searchAfter !== undefined)
    messages.push('page and searchAfter cannot be combined');
  if (b.searchAfter !== undefined && !Array.isArray(b.searchAfter))
    messages.push('searchAfter must be an array');
  if (b.filters !== undefined && !Array.isArray(b.filters)) messages.push('filters must be an array');
  if (b.query !== undefined && (typeof b.query !== 'string' || b.query.length > 75)) {
    messages.push('query must be shorter than or equal to 75 characters');
  }
  if (messages.length > 0) throw unprocessable(messages);
  return b as unknown as SearchBody;
}

function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ ...claims, jti: randomUUID(), iat: Date.now() })}.${randomUUID().replaceAll('-', '')}`;
}
