/**
 * A stateful Aloware simulator: the public token API under `/api/v1/webhook/…` with the real tool's quirks,
 * and a webhook emitter that reproduces Aloware's envelope, auth, fan-out and "never retry" delivery.
 * See `shared/docs/aloware-api.md` (§7 endpoints, §5 webhooks, §9 simulator checklist).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Router } from '@koa/router';
import Koa from 'koa';
import { alowareControl } from './control.ts';
import { type FixtureEvent, fixtureBody, type JsonObject } from './fixtures.ts';
import {
  alowareTimestamp,
  bodyReader,
  type Delivery,
  deferWebhooksUntilAnswered,
  FaultInjector,
  type FaultSpec,
  listen,
  type RequestLogEntry,
  requestLogger,
  toE164,
  WebhookQueue,
} from './sim-kit.ts';
import type {
  AlowareCompany,
  AlowareContact,
  AlowareSimulatorOptions,
  AlowareTag,
  AlowareUser,
  CallDisposition,
  LeadFields,
  PowerDialerList,
  SentSms,
  WebhookAuth,
} from './types.ts';

const DEFAULT_TOKEN = 'TEST-TOKEN-0001';

const DEFAULT_USERS: AlowareUser[] = [
  {
    id: 120701,
    name: 'Grace Example',
    email: 'grace.example@example.com',
    agent_status: 1,
    human_readable_agent_status: 'Available',
  },
  {
    id: 120702,
    name: 'Alan Example',
    email: 'alan.example@example.com',
    agent_status: 0,
    human_readable_agent_status: 'Offline',
  },
];

const AGENT_STATUS_NAMES = ['Offline', 'Available', 'Busy', 'On Break', 'On Call', 'Wrap-up', 'Ringing'];

const DEFAULT_DISPOSITIONS: CallDisposition[] = [
  { id: 31205, name: 'Call back' },
  { id: 31203, name: 'Interested' },
  { id: 31207, name: 'No Answer' },
];

/** The Laravel SPA shell the real app answers for any undocumented GET path. */
export const ALOWARE_SPA_HTML =
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Aloware</title>\n</head>\n' +
  '<body>\n<div id="app"></div>\n<script src="/js/app.js"></script>\n</body>\n</html>\n';

const CONTACT_EVENTS = [
  'Contact-Created',
  'Contact-Updated',
  'Contact-Disposed',
  'Contact-DNC-Updated',
] as const;
type ContactEvent = (typeof CONTACT_EVENTS)[number];

/** Canonical wire names the simulator can emit (plus the `{"test_payload":true}` ping, which has no event). */
export type AlowareEventName = FixtureEvent | 'InboundPhoneCall-DispositionVoicemail' | 'test_payload';

const LEAD_KEYS = new Set([
  'api_token',
  'phone_number',
  'other_phone_numbers',
  'first_name',
  'last_name',
  'name',
  'email',
  'company_name',
  'lead_source',
  'timezone',
  'address',
  'city',
  'state',
  'zipcode',
  'country',
  'website',
  'notes',
  'csf1',
  'csf2',
  'date_of_birth',
  'user_id',
  'distribute_to_ring_group',
  'ring_group_id',
  'check_available_users',
  'check_available_users_with_fallback',
  'add_to_powerdialer',
  'powerdialer_position',
  'sequence_id',
  'force_update_sequence',
  'automation_id',
  'line_id',
  'tag_id',
  'tags',
  'list_ids',
  'disposition_status_id',
  'is_dnc',
  'force_update',
]);

function flag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
  return false;
}

function intOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(n) ? n : null;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function splitList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
  if (typeof value === 'string' || typeof value === 'number')
    return String(value)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return [];
}

/** Copies `values[k]` onto `target[k]` only where the template already has key `k` (keeps key presence). */
function fill(target: JsonObject, values: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(values)) if (key in target) target[key] = value;
  return target;
}

function tokensEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export interface OutboundCallInput {
  /** The contact's number (any format); a contact is created when unknown. */
  contactPhone: string;
  /** true (default): answered, 6 webhooks; false: the call fails, 2 webhooks. */
  answered?: boolean;
  /** The agent placing the call (default: the contact's owner, else the first user). */
  userId?: number;
  /** Talk time in seconds (default 63). */
  talkTimeSec?: number;
  /** Name of the account's call disposition the agent picks (default `Call back`). */
  callDisposition?: string;
  /** Aloware creator_type (1 manual, 2 API, 3 sequence, 5 power dialer …; default 5). */
  creatorType?: number;
  /** Summary markdown for the AI-summary events. */
  summary?: string;
}

export interface InboundCallInput {
  contactPhone: string;
  /** true (default): answered (3 webhooks); false: missed (2 webhooks). */
  answered?: boolean;
  /** With `answered: false`: the caller left a voicemail (initiated, disposition, `Voicemail-Saved`). */
  voicemail?: boolean;
  userId?: number;
  talkTimeSec?: number;
  callDisposition?: string;
}

export interface CallResult {
  communicationId: number;
  contactId: number;
  /** The canonical event names enqueued, in order. */
  events: AlowareEventName[];
}

export interface AlowareSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the API is under `/api/v1/webhook`). */
  url: string;
  /** Base URL of the public API (`<url>/api/v1/webhook`). */
  apiUrl: string;
  apiToken: string;
  close(): Promise<void>;

  // ---- state ----
  contacts(): AlowareContact[];
  contact(phoneOrId: string | number): AlowareContact | undefined;
  lists(): PowerDialerList[];
  tags(): AlowareTag[];
  users(): AlowareUser[];
  readonly sentSms: SentSms[];
  /** Every API request, secrets redacted. */
  readonly requests: RequestLogEntry[];
  /** Every webhook attempt in order, with the receiver's status (null + `error` when it failed). */
  readonly deliveries: Delivery<string>[];
  /** Resolves when every webhook enqueued so far has been attempted. */
  idle(): Promise<void>;

  // ---- configuration / faults ----
  setWebhook(url: string | undefined, auth?: WebhookAuth): void;
  failNext(n: number, spec?: FaultSpec): void;
  setLatency(ms: number): void;
  setUserStatus(userId: number, agentStatus: number): void;
  /** SMS sent to this number from now on end as `OutboundSMS-DispositionInvalid`. */
  failSmsTo(phone: string): void;

  // ---- drivers (things a user does in Aloware that produce webhooks) ----
  createContact(fields: LeadFields & { phone_number: string }): AlowareContact;
  updateContact(phoneOrId: string | number, fields: LeadFields): AlowareContact;
  setDnc(phoneOrId: string | number, isDnc: boolean): AlowareContact;
  disposeContact(phoneOrId: string | number, dispositionStatusId: number): AlowareContact;
  createList(input: { id?: number; name: string; userId?: number | null }): PowerDialerList;
  placeOutboundCall(input: OutboundCallInput): CallResult;
  receiveInboundCall(input: InboundCallInput): CallResult;
  receiveSms(input: { from: string; to?: string; body: string }): CallResult;
  bookAppointment(input: { contactPhone: string; title: string; userId?: number }): CallResult;
  sendTestPayload(): void;
}

export async function startAlowareSimulator(
  options: AlowareSimulatorOptions = {},
): Promise<AlowareSimulator> {
  const tokens = Array.isArray(options.apiToken) ? options.apiToken : [options.apiToken ?? DEFAULT_TOKEN];
  const company: AlowareCompany = {
    companyId: 7001,
    lineId: 63901,
    lineNumber: '+12025550100',
    ringGroupId: 29101,
    ...options.company,
  };
  const clock = options.clock ?? (() => new Date());
  const customFields = options.customFields ?? ['investor_tier'];
  const users: AlowareUser[] = structuredClone(options.users ?? DEFAULT_USERS);
  const dispositions: CallDisposition[] = [...(options.callDispositions ?? DEFAULT_DISPOSITIONS)];
  const subscribed = options.events ? new Set(options.events) : undefined;
  const emitFromApi = options.emitContactEventsFromApi ?? true;
  let webhookUrl = options.webhookUrl;
  let webhookAuth: WebhookAuth = options.webhookAuth ?? { type: 'none' };

  const contacts = new Map<number, AlowareContact>();
  const byPhone = new Map<string, number>();
  const tags = new Map<number, AlowareTag>();
  const lists = new Map<number, PowerDialerList>();
  const leadSources = new Map<string, number>();
  const sentSms: SentSms[] = [];
  const failingSms = new Set<string>();
  const requests: RequestLogEntry[] = [];
  const faults = new FaultInjector();
  faults.latencyMs = options.latencyMs ?? 0;
  const queue = new WebhookQueue<string>({ timeoutMs: options.webhookTimeoutMs ?? 30_000 });

  // The fixtures' ids by default; `idOffset` moves them so a restarted simulator does not reuse ids a
  // persistent projection already knows as someone else.
  let nextContactId = 155091901 + (options.idOffset ?? 0);
  let nextCommunicationId = 940868601 + (options.idOffset ?? 0);
  let nextTagId = 2292;
  let nextListId = 396726;
  let nextTranscriptionId = 11301;

  const now = () => alowareTimestamp(clock());
  const seedTime = '2025-11-09 20:57:27';
  tags.set(nextTagId, {
    id: nextTagId,
    company_id: company.companyId,
    category: 1,
    type: 1,
    name: 'Webinar 2026',
    description: null,
    color: '#409EFF',
    created_at: seedTime,
    updated_at: seedTime,
  });
  nextTagId += 1;

  // ---------------------------------------------------------------- webhooks
  function wireName(event: string): string {
    if (!(CONTACT_EVENTS as readonly string[]).includes(event)) return event;
    const naming = options.contactEventNaming ?? 'dashed';
    if (naming === 'dashed') return event;
    const words = event.split('-');
    return naming === 'spaced' ? words.join(' ') : words.join('');
  }

  function authHeader(): Record<string, string> {
    if (webhookAuth.type === 'basic') {
      const encoded = Buffer.from(`${webhookAuth.username}:${webhookAuth.password}`).toString('base64');
      return { Authorization: `Basic ${encoded}` };
    }
    if (webhookAuth.type === 'bearer') return { Authorization: `Bearer ${webhookAuth.token}` };
    return {};
  }

  function emit(event: AlowareEventName, body: JsonObject): void {
    if (event !== 'test_payload' && subscribed && !subscribed.has(event)) return;
    const envelope = event === 'test_payload' ? body : { body, event: wireName(event) };
    queue.enqueue({
      event,
      url: webhookUrl,
      body: envelope,
      delayMs: options.webhookDelayMs,
      headers: () => ({
        'Content-Type': 'application/json',
        'User-Agent': 'GuzzleHttp/7',
        'Accept-Encoding': 'gzip',
        ...authHeader(),
      }),
    });
  }

  // ---------------------------------------------------------------- contacts
  function snapshot(contact: AlowareContact): AlowareContact {
    return structuredClone(contact);
  }

  function newContact(phone: string, intakeSource: string): AlowareContact {
    const template = fixtureBody('Contact-Created');
    const created = now();
    const defaults: JsonObject = {
      id: nextContactId++,
      company_id: company.companyId,
      user_id: null,
      initial_campaign_id: company.lineId,
      disposition_status_id: null,
      lead_source_id: null,
      intake_source: intakeSource,
      contact_source: null,
      phone_number: phone,
      company_name: null,
      email: null,
      first_name: null,
      last_name: null,
      name: null,
      timezone: null,
      external_data: null,
      csf1: null,
      csf2: null,
      unread_count: 0,
      cnam_source: null,
      cnam_city: null,
      cnam_state: null,
      cnam_zipcode: null,
      cnam_country: null,
      address: null,
      website: null,
      notes: null,
      date_of_birth: null,
      last_engagement_at: null,
      last_engagement_text: null,
      nb_communications: 0,
      inbound_call_count: 0,
      outbound_call_count: 0,
      inbound_sms_count: 0,
      outbound_sms_count: 0,
      unread_voicemail_count: 0,
      unread_missed_call_count: 0,
      lrn_type: 1,
      is_blocked: false,
      is_dnc: false,
      is_opted_out: false,
      uuid_v4: randomUUID(),
      text_authorized: 0,
      text_authorized_at: null,
      created_at: created,
      campaign_ids: [company.lineId],
      lead_source: null,
      integration_data: null,
      custom_link: null,
      workflow_id: null,
      sequence_id: null,
      tags: [],
    };
    const contact: JsonObject = {};
    for (const key of Object.keys(template)) {
      if (key === 'investor_tier') {
        for (const field of customFields) contact[field] = null;
      } else {
        contact[key] = key in defaults ? defaults[key] : null;
      }
    }
    return contact as AlowareContact;
  }

  function store(contact: AlowareContact): void {
    contacts.set(contact.id, contact);
    byPhone.set(contact.phone_number, contact.id);
  }

  function find(phoneOrId: string | number): AlowareContact | undefined {
    if (typeof phoneOrId === 'number') return contacts.get(phoneOrId);
    const phone = toE164(phoneOrId);
    const id = phone ? byPhone.get(phone) : undefined;
    return id === undefined ? undefined : contacts.get(id);
  }

  function mustFind(phoneOrId: string | number): AlowareContact {
    const contact = find(phoneOrId);
    if (!contact) throw new Error(`Aloware simulator: no contact ${String(phoneOrId)}`);
    return contact;
  }

  function tagByName(name: string): AlowareTag {
    for (const tag of tags.values()) if (tag.name.toLowerCase() === name.toLowerCase()) return tag;
    const at = now();
    const tag: AlowareTag = {
      id: nextTagId++,
      company_id: company.companyId,
      category: 1,
      type: 1,
      name,
      description: null,
      color: '#409EFF',
      created_at: at,
      updated_at: at,
    };
    tags.set(tag.id, tag);
    return tag;
  }

  function ensureList(id: number, name?: string, userId: number | null = null): PowerDialerList {
    let list = lists.get(id);
    if (!list) {
      list = { id, name: name ?? `List ${id}`, userId, contactIds: [] };
      lists.set(id, list);
      if (id >= nextListId) nextListId = id + 1;
    }
    return list;
  }

  function addToList(list: PowerDialerList, contactId: number, position: 'top' | 'bottom'): void {
    if (list.contactIds.includes(contactId)) return;
    if (position === 'top') list.contactIds.unshift(contactId);
    else list.contactIds.push(contactId);
  }

  function userPowerDialerList(userId: number): PowerDialerList {
    for (const list of lists.values()) if (list.userId === userId) return list;
    const user = users.find((u) => u.id === userId);
    return ensureList(nextListId, `${user?.name ?? `User ${userId}`} Power Dialer`, userId);
  }

  /** Applies Lead-API fields to a contact; returns the contact keys whose values changed. */
  function applyLead(contact: AlowareContact, fields: LeadFields, isCreate: boolean): Set<string> {
    const changed = new Set<string>();
    const set = (key: string, value: unknown) => {
      if (JSON.stringify(contact[key]) !== JSON.stringify(value)) changed.add(key);
      contact[key] = value;
    };
    const text: Array<[keyof LeadFields, string]> = [
      ['first_name', 'first_name'],
      ['last_name', 'last_name'],
      ['email', 'email'],
      ['company_name', 'company_name'],
      ['timezone', 'timezone'],
      ['address', 'address'],
      ['website', 'website'],
      ['notes', 'notes'],
      ['csf1', 'csf1'],
      ['csf2', 'csf2'],
      ['date_of_birth', 'date_of_birth'],
      ['city', 'cnam_city'],
      ['state', 'cnam_state'],
      ['zipcode', 'cnam_zipcode'],
      ['country', 'cnam_country'],
    ];
    // An empty value never erases a filled one (Aloware ignores blank form fields).
    for (const [from, to] of text) if (present(fields[from])) set(to, String(fields[from]).trim());
    if (present(fields.name)) {
      const name = String(fields.name).trim();
      set('name', name);
      if (
        !present(fields.first_name) &&
        !present(fields.last_name) &&
        (isCreate || contact.first_name === null)
      ) {
        const [first, ...rest] = name.split(/\s+/);
        set('first_name', first ?? null);
        set('last_name', rest.length > 0 ? rest.join(' ') : null);
      }
    } else if (present(fields.first_name) || present(fields.last_name)) {
      const name = [contact.first_name, contact.last_name].filter((p) => p).join(' ');
      set('name', name === '' ? null : name);
    }
    if (present(fields.lead_source)) {
      const source = String(fields.lead_source).trim();
      let id = leadSources.get(source);
      if (id === undefined) {
        id = leadSources.size + 3;
        leadSources.set(source, id);
      }
      set('lead_source', source);
      set('lead_source_id', id);
    }
    const owner = intOrNull(fields.user_id);
    if (owner !== null) set('user_id', owner);
    const disposition = intOrNull(fields.disposition_status_id);
    if (disposition !== null) set('disposition_status_id', disposition);
    if (fields.is_dnc !== undefined && fields.is_dnc !== null && fields.is_dnc !== '')
      set('is_dnc', flag(fields.is_dnc));
    const line = intOrNull(fields.line_id);
    if (line !== null && isCreate) {
      set('initial_campaign_id', line);
      set('campaign_ids', [line]);
    }
    for (const field of customFields) if (present(fields[field])) set(field, fields[field]);

    // Tags: names (created when missing) and one existing tag id; never removed through the API.
    const wanted: AlowareTag[] = splitList(fields.tags).map(tagByName);
    const tagId = intOrNull(fields.tag_id);
    const existing = tagId === null ? undefined : tags.get(tagId);
    if (existing) wanted.push(existing);
    const current = contact.tags;
    for (const tag of wanted) {
      if (current.some((t) => t.id === tag.id)) continue;
      current.push(structuredClone(tag));
      changed.add('tags');
    }

    // Lists and the power dialer: side effects of the Lead API only.
    const position = fields.powerdialer_position === 'top' ? 'top' : 'bottom';
    for (const id of splitList(fields.list_ids)) {
      const listId = intOrNull(id);
      if (listId !== null) addToList(ensureList(listId), contact.id, position);
    }
    if (flag(fields.add_to_powerdialer) && contact.user_id !== null) {
      addToList(userPowerDialerList(contact.user_id), contact.id, position);
    }

    const sequence = intOrNull(fields.sequence_id ?? fields.automation_id);
    if (sequence !== null && (contact.sequence_id === null || flag(fields.force_update_sequence))) {
      set('sequence_id', sequence);
      set('workflow_id', sequence);
    }
    return changed;
  }

  function emitContactChanges(contact: AlowareContact, changed: Set<string>): void {
    const other = [...changed].filter(
      (k) => !['is_dnc', 'disposition_status_id', 'sequence_id', 'workflow_id'].includes(k),
    );
    if (other.length > 0) emit('Contact-Updated', snapshot(contact));
    if (changed.has('disposition_status_id')) emit('Contact-Disposed', snapshot(contact));
    if (changed.has('is_dnc')) emit('Contact-DNC-Updated', snapshot(contact));
  }

  function contactFor(phone: string, intakeSource: string): { contact: AlowareContact; created: boolean } {
    const normalized = toE164(phone);
    if (!normalized) throw new Error('Aloware simulator: invalid phone number');
    const existing = find(normalized);
    if (existing) return { contact: existing, created: false };
    const contact = newContact(normalized, intakeSource);
    store(contact);
    emit('Contact-Created', snapshot(contact));
    return { contact, created: true };
  }

  // ---------------------------------------------------------------- communications
  function userById(id: number | null | undefined): AlowareUser | undefined {
    return id === null || id === undefined ? undefined : users.find((u) => u.id === id);
  }

  function dispositionByName(name: string): CallDisposition {
    let disposition = dispositions.find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (!disposition) {
      disposition = { id: Math.max(31200, ...dispositions.map((d) => d.id)) + 1, name };
      dispositions.push(disposition);
    }
    return disposition;
  }

  interface CommBase extends JsonObject {
    id: number;
    contact_id: number;
  }

  function communicationBase(args: {
    contact: AlowareContact;
    direction: 1 | 2;
    type: 1 | 2 | 12;
    creatorType: number;
    ownerId: number;
    createdAt: Date;
    destination: string | null;
    body?: string;
  }): CommBase {
    return {
      id: nextCommunicationId++,
      company_id: company.companyId,
      campaign_id: company.lineId,
      ring_group_id: company.ringGroupId,
      owner_id: args.ownerId,
      creator_type: args.creatorType,
      incoming_number: company.lineNumber,
      contact_id: args.contact.id,
      lead_number: args.contact.phone_number,
      destination_number: args.destination,
      attempt: 1,
      direction: args.direction,
      type: args.type,
      body: args.body ?? '',
      country: args.contact.cnam_country ?? 'US',
      state: args.contact.cnam_state ?? null,
      city: args.contact.cnam_city ? String(args.contact.cnam_city).toUpperCase() : null,
      created_at: alowareTimestamp(args.createdAt),
    };
  }

  /** Builds one webhook body from the event's fixture, filling the communication's current values. */
  function communicationBody(event: FixtureEvent, values: JsonObject, contact: AlowareContact): JsonObject {
    return fill(fixtureBody(event), { ...values, contact: snapshot(contact) });
  }

  function agentValues(user: AlowareUser | undefined): JsonObject {
    return {
      user_id: user?.id ?? null,
      user: user ? { name: user.name } : null,
      user_email: user?.email ?? null,
    };
  }

  function engage(contact: AlowareContact, at: Date, text: string, counter: string): void {
    contact.nb_communications = Number(contact.nb_communications ?? 0) + 1;
    contact[counter] = Number(contact[counter] ?? 0) + 1;
    contact.last_engagement_at = alowareTimestamp(at);
    contact.last_engagement_text = text;
  }

  function seconds(base: Date, s: number): Date {
    return new Date(base.getTime() + s * 1000);
  }

  function summaryText(contact: AlowareContact, user: AlowareUser | undefined): string {
    const who = contact.name ?? contact.phone_number;
    return (
      `### Call Summary\n\nThe agent ${user?.name ?? ''} spoke with ${who}.\n\n` +
      '### Call outcomes\n\nThe contact asked for a call back.\n\n' +
      '### Agent action items after the call\n\n- Schedule a call back.'
    );
  }

  function placeOutboundCall(input: OutboundCallInput): CallResult {
    const { contact } = contactFor(input.contactPhone, 'voip-call');
    const answered = input.answered ?? true;
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const talk = answered ? (input.talkTimeSec ?? 63) : 0;
    const wait = answered ? 2 : 30;
    // The call happened just now: initiation `duration + 60 s` ago, every later event ≤ now.
    const end = clock();
    const start = seconds(end, -(wait + talk + 60));
    const base = communicationBase({
      contact,
      direction: 2,
      type: 1,
      creatorType: input.creatorType ?? 5,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: start,
      destination: agent ? `client:agent${agent.id}` : null,
    });
    const events: AlowareEventName[] = [];
    const send = (event: AlowareEventName & FixtureEvent, values: JsonObject) => {
      events.push(event);
      emit(event, communicationBody(event, { ...base, ...values }, contact));
    };
    const initiated: JsonObject = {
      ...agentValues(undefined),
      call_disposition_id: null,
      current_status2: 1,
      disposition_status2: 1,
      resolution2: 1,
      customer_leg_status: null,
      duration: 0,
      talk_time: 0,
      wait_time: 0,
      hold_time: 0,
      has_recording: false,
      has_transcription: false,
      updated_at: base.created_at,
    };
    send('OutboundPhoneCall', initiated);
    const disposedAt = seconds(start, wait + talk + 5);
    engage(contact, disposedAt, '↗ Call.', 'outbound_call_count');
    if (!answered) {
      send('OutboundPhoneCall-DispositionFailed', {
        ...initiated,
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'failed',
        disposition_status2: 5,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        updated_at: alowareTimestamp(disposedAt),
      });
      return { communicationId: base.id, contactId: contact.id, events };
    }
    const disposition = dispositionByName(input.callDisposition ?? 'Call back');
    const completed: JsonObject = {
      ...agentValues(agent),
      call_disposition_id: disposition.id,
      call_disposition: disposition.name,
      current_status: 'completed',
      current_status2: 9,
      disposition_status: 'completed',
      disposition_status2: 4,
      resolution2: 1,
      customer_leg_status: 6,
      duration: wait + talk,
      talk_time: talk,
      wait_time: wait,
      hold_time: 0,
      has_recording: true,
      has_transcription: false,
      direct_recording_url: `https://app.aloware.io/static/recording/${randomUUID()}`,
      updated_at: alowareTimestamp(disposedAt),
    };
    send('OutboundPhoneCall-DispositionCompleted', completed);
    send('Recording-Saved', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 4)) });
    send('Call-Disposed', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 7)) });
    const transcribedAt = seconds(disposedAt, 22);
    if (options.emitTranscriptionSaved) {
      send('Transcription-Saved', {
        ...completed,
        has_transcription: true,
        updated_at: alowareTimestamp(transcribedAt),
        parsed_transcription: parsedTranscription(agent, contact),
      });
    }
    const summarizedAt = seconds(disposedAt, 48);
    const communication = communicationBody(
      'OutboundPhoneCall-DispositionCompleted',
      { ...base, ...completed },
      contact,
    );
    const summary = input.summary ?? summaryText(contact, agent);
    const transcription = fill(
      structuredClone(fixtureBody('transcription.call.summarized').transcription as JsonObject),
      {
        id: nextTranscriptionId++,
        transcription_id: randomUUID(),
        opensearch_id: randomUUID(),
        communication_id: base.id,
        user_id: agent?.id ?? null,
        summary_created_at: alowareTimestamp(summarizedAt),
        created_at: alowareTimestamp(transcribedAt),
        updated_at: alowareTimestamp(summarizedAt),
        company_id: company.companyId,
      },
    );
    events.push('transcription.call.summarized');
    emit(
      'transcription.call.summarized',
      fill(fixtureBody('transcription.call.summarized'), {
        summary,
        json_summary: {
          call_summary: summary.split('\n\n')[1] ?? summary,
          reason_for_the_call: 'Follow-up.',
          call_outcomes: 'The contact asked for a call back.',
          agent_action_items_after_the_call: ['Schedule a call back.'],
          customer_action_items_after_the_call: [],
        },
        transcription,
        contact: snapshot(contact),
        communication,
      }),
    );
    events.push('transcription.open_search.saved');
    emit(
      'transcription.open_search.saved',
      fill(fixtureBody('transcription.open_search.saved'), {
        parsed_transcription: parsedTranscription(agent, contact),
        transcription: structuredClone(transcription),
        contact: snapshot(contact),
        communication: structuredClone(communication),
        summary,
      }),
    );
    return { communicationId: base.id, contactId: contact.id, events };
  }

  function parsedTranscription(agent: AlowareUser | undefined, contact: AlowareContact): JsonObject {
    return {
      messages: [
        { start: 1200, end: 4100, speaker: 'AGENT', text: `Hi, this is ${agent?.name ?? 'your agent'}.` },
        { start: 4300, end: 6900, speaker: 'CONTACT', text: `Hi, ${contact.first_name ?? 'here'} speaking.` },
      ],
      talk_time_analysis: { AGENT: 55, CONTACT: 45 },
    };
  }

  function receiveInboundCall(input: InboundCallInput): CallResult {
    const { contact } = contactFor(input.contactPhone, 'voip-call');
    const answered = input.answered ?? true;
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const talk = answered ? (input.talkTimeSec ?? 148) : 0;
    const wait = answered ? 9 : input.voicemail ? 25 : 15;
    const end = clock();
    const start = seconds(end, -(wait + talk + 30));
    const base = communicationBase({
      contact,
      direction: 1,
      type: 1,
      creatorType: 1,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: start,
      destination: null,
    });
    const targets = agent ? { target_users: [[agent.id]], attempting_users: [agent.id] } : {};
    const events: AlowareEventName[] = [];
    const send = (event: FixtureEvent, values: JsonObject, name: AlowareEventName = event) => {
      events.push(name);
      emit(name, communicationBody(event, { ...base, ...targets, ...values }, contact));
    };
    const initiated: JsonObject = {
      ...agentValues(undefined),
      call_disposition_id: null,
      current_status2: 2,
      disposition_status2: 1,
      resolution2: 1,
      customer_leg_status: null,
      duration: 0,
      talk_time: 0,
      wait_time: 0,
      hold_time: 0,
      has_recording: false,
      has_voicemail: false,
      voicemail_duration: null,
      has_transcription: false,
      updated_at: base.created_at,
    };
    send('InboundPhoneCall', initiated);
    const disposedAt = seconds(start, wait + talk + 3);
    if (answered) {
      engage(contact, disposedAt, '↙ Call.', 'inbound_call_count');
      const disposition = dispositionByName(input.callDisposition ?? 'Interested');
      const completed: JsonObject = {
        ...agentValues(agent),
        call_disposition_id: disposition.id,
        call_disposition: disposition.name,
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'completed',
        disposition_status2: 4,
        customer_leg_status: 6,
        duration: wait + talk,
        talk_time: talk,
        wait_time: wait,
        has_recording: true,
        direct_recording_url: `https://app.aloware.io/static/recording/${randomUUID()}`,
        updated_at: alowareTimestamp(disposedAt),
      };
      send('InboundPhoneCall-DispositionCompleted', completed);
      send('Recording-Saved', { ...completed, updated_at: alowareTimestamp(seconds(disposedAt, 4)) });
    } else if (input.voicemail) {
      engage(contact, disposedAt, '↙ Voicemail.', 'inbound_call_count');
      contact.unread_voicemail_count = Number(contact.unread_voicemail_count ?? 0) + 1;
      const voicemail: JsonObject = {
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'voicemail',
        disposition_status2: 12,
        resolution2: 3,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        has_voicemail: true,
        voicemail_duration: wait - 4,
        updated_at: alowareTimestamp(disposedAt),
      };
      // The disposition event follows the `{direction}{type}-Disposition{Status}` pattern (inferred).
      send('InboundPhoneCall-DispositionMissed', voicemail, 'InboundPhoneCall-DispositionVoicemail');
      send('Voicemail-Saved', { ...voicemail, updated_at: alowareTimestamp(seconds(disposedAt, 2)) });
    } else {
      engage(contact, disposedAt, '↙ Missed call.', 'inbound_call_count');
      contact.unread_missed_call_count = Number(contact.unread_missed_call_count ?? 0) + 1;
      send('InboundPhoneCall-DispositionMissed', {
        current_status: 'completed',
        current_status2: 9,
        disposition_status: 'missed',
        disposition_status2: 3,
        call_disposition: null,
        direct_recording_url: null,
        duration: wait,
        wait_time: wait,
        updated_at: alowareTimestamp(disposedAt),
      });
    }
    return { communicationId: base.id, contactId: contact.id, events };
  }

  // Carrier-level STOP handling (CRM saw `is_opted_out`); the keyword set is the architecture's consent rule.
  const STOP_WORDS = new Set(['stop', 'quit', 'end', 'revoke', 'opt out', 'cancel', 'unsubscribe']);

  function receiveSms(input: { from: string; to?: string; body: string }): CallResult {
    const { contact } = contactFor(input.from, 'voip-sms');
    const at = clock();
    const keyword = input.body.trim().toLowerCase().replace(/\s+/g, ' ');
    if (STOP_WORDS.has(keyword)) contact.is_opted_out = true;
    if (keyword === 'start' || keyword === 'unstop') contact.is_opted_out = false;
    engage(contact, at, input.body.slice(0, 60), 'inbound_sms_count');
    contact.unread_count = Number(contact.unread_count ?? 0) + 1;
    const base = communicationBase({
      contact,
      direction: 1,
      type: 2,
      creatorType: 1,
      ownerId: contact.user_id ?? -1,
      createdAt: at,
      destination: null,
      body: input.body,
    });
    emit(
      'InboundSMS-DispositionCompleted',
      communicationBody(
        'InboundSMS-DispositionCompleted',
        {
          ...base,
          ...agentValues(undefined),
          current_status: 'received',
          current_status2: 11,
          disposition_status: 'completed',
          disposition_status2: 4,
          updated_at: base.created_at,
        },
        contact,
      ),
    );
    return { communicationId: base.id, contactId: contact.id, events: ['InboundSMS-DispositionCompleted'] };
  }

  function sendSms(args: {
    to: string;
    from: string;
    message: string;
    userId: number | null;
    imageUrl: string | null;
  }): void {
    const { contact } = contactFor(args.to, 'voip-sms');
    const at = clock();
    const user = userById(args.userId);
    const invalid = failingSms.has(contact.phone_number);
    engage(contact, at, args.message.slice(0, 60), 'outbound_sms_count');
    const base = communicationBase({
      contact,
      direction: 2,
      type: 2,
      creatorType: 2,
      ownerId: args.userId ?? -1,
      createdAt: at,
      destination: null,
      body: args.message,
    });
    sentSms.push({
      communicationId: base.id,
      to: contact.phone_number,
      from: args.from,
      message: args.message,
      userId: args.userId,
      imageUrl: args.imageUrl,
      outcome: invalid ? 'invalid' : 'delivered',
      at,
    });
    const event = invalid ? 'OutboundSMS-DispositionInvalid' : 'OutboundSMS-DispositionCompleted';
    emit(
      event,
      communicationBody(
        event,
        {
          ...base,
          ...agentValues(user),
          user_id: args.userId,
          attachments: args.imageUrl ? [{ url: args.imageUrl }] : null,
          current_status: invalid ? 'failed' : 'delivered',
          current_status2: invalid ? 19 : 13,
          disposition_status: invalid ? 'invalid' : 'completed',
          disposition_status2: invalid ? 7 : 4,
          updated_at: alowareTimestamp(seconds(at, 2)),
        },
        contact,
      ),
    );
  }

  function bookAppointment(input: { contactPhone: string; title: string; userId?: number }): CallResult {
    const { contact } = contactFor(input.contactPhone, 'ui');
    const agent = userById(input.userId ?? contact.user_id) ?? users[0];
    const at = clock();
    const base = communicationBase({
      contact,
      direction: 2,
      type: 12,
      creatorType: 1,
      ownerId: contact.user_id ?? agent?.id ?? -1,
      createdAt: at,
      destination: null,
      body: input.title,
    });
    emit(
      'OutboundAppointment',
      communicationBody(
        'OutboundAppointment',
        {
          ...base,
          ...agentValues(agent),
          current_status2: 9,
          disposition_status2: 11,
          updated_at: base.created_at,
        },
        contact,
      ),
    );
    return { communicationId: base.id, contactId: contact.id, events: ['OutboundAppointment'] };
  }

  // ---------------------------------------------------------------- HTTP API
  const app = new Koa();
  const router = new Router({ prefix: '/api/v1/webhook' });

  function requireToken(): Koa.Middleware {
    return async (ctx, next) => {
      const json = ctx.state.json as JsonObject | undefined;
      const fromQuery = typeof ctx.query.api_token === 'string' ? ctx.query.api_token : undefined;
      const fromBody = json && typeof json.api_token === 'string' ? json.api_token : undefined;
      const token = fromQuery ?? fromBody;
      if (!token || !tokens.some((t) => tokensEqual(t, token))) {
        ctx.status = 401;
        ctx.body = { message: 'Unauthenticated.' };
        return;
      }
      await next();
    };
  }

  const body = (ctx: Koa.Context): JsonObject =>
    ctx.state.json && typeof ctx.state.json === 'object' ? (ctx.state.json as JsonObject) : {};

  function reply(ctx: Koa.Context, status: number, payload: unknown): void {
    ctx.status = status;
    ctx.body = payload;
  }

  router.post('/forms', requireToken(), (ctx) => {
    const fields = body(ctx) as LeadFields & { force_update?: unknown };
    const phone = toE164(fields.phone_number);
    if (!phone) return reply(ctx, 400, { error: 'Phone number is empty or invalid.' });
    const existing = find(phone);
    const leadFields: LeadFields = {};
    for (const [k, v] of Object.entries(fields))
      if (LEAD_KEYS.has(k) || customFields.includes(k)) leadFields[k] = v;
    if (!existing) {
      const contact = newContact(phone, 'form-capture');
      store(contact);
      applyLead(contact, leadFields, true);
      if (emitFromApi) emit('Contact-Created', snapshot(contact));
      return reply(ctx, 201, { message: 'Contact created.' });
    }
    if (!flag(fields.force_update)) return reply(ctx, 409, { message: 'Contact already exists.' });
    const changed = applyLead(existing, leadFields, false);
    if (emitFromApi) emitContactChanges(existing, changed);
    return reply(ctx, 200, { message: 'Contact updated.' });
  });

  router.get('/contact/phone-number', requireToken(), (ctx) => {
    const phone = toE164(ctx.query.phone_number);
    if (!phone) return reply(ctx, 400, { error: 'Phone number is empty or invalid.' });
    const contact = find(phone);
    if (!contact) return reply(ctx, 404, { error: 'Contact not found.' });
    return reply(ctx, 200, snapshot(contact));
  });

  router.post('/sms-gateway/send', requireToken(), (ctx) => {
    const b = body(ctx);
    const errors: Record<string, string[]> = {};
    const to = toE164(b.to);
    if (!to) errors.to = ['The to field is required and must be a valid phone number.'];
    const message = typeof b.message === 'string' ? b.message : '';
    const imageUrl = typeof b.image_url === 'string' && b.image_url !== '' ? b.image_url : null;
    if (message.trim() === '' && !imageUrl) errors.message = ['The message field is required.'];
    let from = company.lineNumber;
    if (b.from !== undefined) {
      const normalized = toE164(b.from);
      if (normalized !== company.lineNumber) errors.from = ['The selected from is invalid.'];
      else from = normalized;
    } else if (b.line_id !== undefined && intOrNull(b.line_id) !== company.lineId) {
      errors.line_id = ['The selected line id is invalid.'];
    } else if (b.from === undefined && b.line_id === undefined) {
      errors.from = ['The from field is required when line id is not present.'];
    }
    if (Object.keys(errors).length > 0) return reply(ctx, 422, { errors });
    const requested = intOrNull(b.user_id) ?? 0;
    const contact = find(to!);
    // user_id: -1 = company (no user); 0/absent = the contact's owner (else company); an id = that user.
    const userId = requested === -1 ? null : requested === 0 ? (contact?.user_id ?? null) : requested;
    sendSms({ to: to!, from, message, userId, imageUrl });
    return reply(ctx, 202, { message: 'Message sent.' });
  });

  function contactFromSource(b: JsonObject): AlowareContact | undefined | 'unsupported' {
    const source = typeof b.source === 'string' ? b.source : 'phone_number';
    if (source === 'phone_number')
      return typeof b.phone_number === 'string' ? find(b.phone_number) : undefined;
    if (source === 'aloware') {
      const id = intOrNull(b.id);
      return id === null ? undefined : find(id);
    }
    return 'unsupported';
  }

  router.post('/sequence-enroll', requireToken(), (ctx) => {
    const b = body(ctx);
    const sequenceId = intOrNull(b.sequence_id);
    if (sequenceId === null) return reply(ctx, 400, { message: 'The sequence id field is required.' });
    const contact = contactFromSource(b);
    if (contact === 'unsupported')
      return reply(ctx, 400, { message: 'The selected source is not supported.' });
    if (!contact) return reply(ctx, 400, { message: 'The contact could not be found.' });
    if (contact.sequence_id !== null && !flag(b.force_enroll))
      return reply(ctx, 400, { message: 'The contact is already enrolled in a sequence.' });
    contact.sequence_id = sequenceId;
    contact.workflow_id = sequenceId;
    return reply(ctx, 200, { message: 'Contact is successfully enrolled in the sequence.' });
  });

  router.post('/sequence-disenroll', requireToken(), (ctx) => {
    const b = body(ctx);
    const contact = contactFromSource(b);
    if (contact === 'unsupported')
      return reply(ctx, 400, { message: 'The selected source is not supported.' });
    if (!contact) return reply(ctx, 400, { message: 'The contact could not be found.' });
    if (contact.sequence_id === null)
      return reply(ctx, 400, { message: 'The contact is not enrolled in any sequence.' });
    contact.sequence_id = null;
    contact.workflow_id = null;
    return reply(ctx, 200, { message: 'Contact is successfully disenrolled from the sequence.' });
  });

  router.post('/powerdialer-remove-contact-from-lists', requireToken(), (ctx) => {
    const id = intOrNull(body(ctx).contact_id);
    if (id === null || !contacts.has(id))
      return reply(ctx, 404, { message: 'The requested contact id does not exist.' });
    for (const list of lists.values()) list.contactIds = list.contactIds.filter((c) => c !== id);
    return reply(ctx, 200, { message: 'The contact has been removed from the Power Dialer lists.' });
  });

  router.post('/powerdialer-clear-list', requireToken(), (ctx) => {
    const id = intOrNull(body(ctx).list_id);
    const list = id === null ? undefined : lists.get(id);
    if (!list) return reply(ctx, 404, { message: 'The requested list id does not exist.' });
    list.contactIds = [];
    return reply(ctx, 200, { message: 'All contacts have been removed from the Power Dialer list.' });
  });

  router.post('/powerdialer-clear-user-lists', requireToken(), (ctx) => {
    const id = intOrNull(body(ctx).user_id);
    if (id === null || !userById(id))
      return reply(ctx, 404, { message: 'The requested user id does not exist.' });
    for (const list of lists.values()) if (list.userId === id) list.contactIds = [];
    return reply(ctx, 200, { message: "All contacts have been removed from the user's Power Dialer lists." });
  });

  router.get('/users', requireToken(), (ctx) => reply(ctx, 200, structuredClone(users)));

  router.post('/two-legged-call', requireToken(), (ctx) => {
    const b = body(ctx);
    const userId = intOrNull(b.user_id);
    const candidates = userId !== null ? users.filter((u) => u.id === userId) : users;
    const agent = candidates.find((u) => u.agent_status === 1);
    const contact =
      typeof b.contact_phone_number === 'string'
        ? b.contact_phone_number
        : (contacts.get(intOrNull(b.contact_id) ?? -1)?.phone_number ?? null);
    if (!contact || !toE164(contact))
      return reply(ctx, 422, { errors: { contact_phone_number: ['The contact phone number is invalid.'] } });
    if (!agent) {
      return reply(ctx, 422, {
        errors: {
          user: ['Oops! Looks like we can not find any available inbox users. Please try again later.'],
        },
      });
    }
    placeOutboundCall({
      contactPhone: contact,
      userId: agent.id,
      creatorType: 2,
      answered: (options.twoLeggedOutcome ?? 'answered') === 'answered',
    });
    return reply(ctx, 202, { message: 'Two legged call established.' });
  });

  // Assigned once the server listens; control routes only run after that.
  let self: AlowareSimulator | undefined;
  app.use(deferWebhooksUntilAnswered());
  app.use(bodyReader());
  app.use(alowareControl(() => self!));
  app.use(requestLogger(requests));
  app.use(faults.middleware());
  app.use(router.routes());
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      // The SPA catch-all: any undocumented GET path is 200 HTML, never a JSON 404.
      ctx.status = 200;
      ctx.type = 'text/html; charset=UTF-8';
      ctx.body = ALOWARE_SPA_HTML;
    } else {
      ctx.status = 405;
      ctx.body = { message: 'Method Not Allowed.' };
    }
  });

  const listening = await listen(app, options.port ?? 0, options.host);

  self = {
    url: listening.url,
    apiUrl: `${listening.url}/api/v1/webhook`,
    apiToken: tokens[0]!,
    async close() {
      queue.close();
      await listening.close();
    },
    contacts: () => [...contacts.values()].map(snapshot),
    contact: (phoneOrId) => {
      const c = find(phoneOrId);
      return c ? snapshot(c) : undefined;
    },
    lists: () => [...lists.values()].map((l) => ({ ...l, contactIds: [...l.contactIds] })),
    tags: () => [...tags.values()].map((t) => ({ ...t })),
    users: () => structuredClone(users),
    sentSms,
    requests,
    deliveries: queue.deliveries,
    idle: () => queue.idle(),
    setWebhook(url, auth) {
      webhookUrl = url;
      if (auth) webhookAuth = auth;
    },
    failNext: (n, spec) => faults.failNext(n, spec),
    setLatency(ms) {
      faults.latencyMs = ms;
    },
    setUserStatus(userId, agentStatus) {
      const user = userById(userId);
      if (!user) throw new Error(`Aloware simulator: no user ${userId}`);
      user.agent_status = agentStatus;
      user.human_readable_agent_status = AGENT_STATUS_NAMES[agentStatus] ?? 'Unknown';
    },
    failSmsTo(phone) {
      const normalized = toE164(phone);
      if (normalized) failingSms.add(normalized);
    },
    createContact(fields) {
      const phone = toE164(fields.phone_number);
      if (!phone) throw new Error('Aloware simulator: invalid phone number');
      if (find(phone)) throw new Error('Aloware simulator: contact already exists');
      const contact = newContact(phone, 'ui');
      store(contact);
      applyLead(contact, fields, true);
      emit('Contact-Created', snapshot(contact));
      return snapshot(contact);
    },
    updateContact(phoneOrId, fields) {
      const contact = mustFind(phoneOrId);
      const changed = applyLead(contact, fields, false);
      emitContactChanges(contact, changed);
      return snapshot(contact);
    },
    setDnc(phoneOrId, isDnc) {
      const contact = mustFind(phoneOrId);
      contact.is_dnc = isDnc;
      emit('Contact-DNC-Updated', snapshot(contact));
      return snapshot(contact);
    },
    disposeContact(phoneOrId, dispositionStatusId) {
      const contact = mustFind(phoneOrId);
      contact.disposition_status_id = dispositionStatusId;
      emit('Contact-Disposed', snapshot(contact));
      return snapshot(contact);
    },
    createList({ id, name, userId = null }) {
      const list = ensureList(id ?? nextListId, name, userId);
      return { ...list, contactIds: [...list.contactIds] };
    },
    placeOutboundCall,
    receiveInboundCall,
    receiveSms,
    bookAppointment,
    sendTestPayload() {
      emit('test_payload', { test_payload: true });
    },
  };
  return self;
}

export type { ContactEvent };
