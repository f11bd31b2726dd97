/**
 * Typed client of Aloware's public token API (`/api/v1/webhook/…`, see shared/docs/aloware-api.md §7).
 * The token travels as `api_token`: in the query string on GET, in the JSON body on POST. It never appears in an
 * error message. Every answer is checked at the boundary: content type JSON (the SPA answers unknown routes
 * with 200 HTML) and a zod shape; failures are `ToolError`s (`@df/tool-http`).
 */

import {
  type CallContext,
  errorForAnswer,
  isSuccess,
  parseAnswer,
  sendRequest,
  type ToolAnswer,
} from '@df/tool-http';
import type { z } from 'zod';
import type {
  ContactFormInput,
  ContactFormResult,
  EnrollSequenceInput,
  SendSmsInput,
  SequenceTarget,
  TwoLeggedCallInput,
} from './inputs.ts';
import {
  type AlowareContact,
  type AlowareUser,
  alowareContactSchema,
  errorBodySchema,
  messageResponseSchema,
  usersResponseSchema,
} from './schemas.ts';

export interface AlowareClientOptions {
  /** `https://app.aloware.com` (the `/api/v1/webhook` prefix is added unless already present). */
  baseUrl: string;
  apiToken: string;
  /** Per-request timeout (default 15 000 ms; the real API takes 1–1.5 s). */
  timeoutMs?: number;
  /** Injectable fetch (defaults to the global one). */
  fetch?: typeof fetch;
}

export interface AlowareClient {
  /** Creates (201) or, with `forceUpdate`, updates (200) the contact with this phone number. 409 → `conflict`. */
  upsertContactForm(input: ContactFormInput): Promise<ContactFormResult>;
  /** The contact with this number, or null when Aloware has none (404). */
  lookupContactByPhone(phoneNumber: string): Promise<AlowareContact | null>;
  /** Accepted (202) — not delivered; the outcome arrives as an `OutboundSMS-Disposition*` webhook. */
  sendSms(input: SendSmsInput): Promise<{ message: string }>;
  /** Removes the contact from every power-dialer list; false when Aloware does not know the id (404). */
  removeFromPowerDialerLists(contactId: number): Promise<boolean>;
  /** Empties one list; false when the list id is unknown. */
  clearPowerDialerList(listId: number): Promise<boolean>;
  /** Empties a user's power-dialer lists; false when the user id is unknown. */
  clearUserPowerDialerLists(userId: number): Promise<boolean>;
  enrollSequence(input: EnrollSequenceInput): Promise<{ message: string }>;
  disenrollSequence(target: SequenceTarget): Promise<{ message: string }>;
  listUsers(): Promise<AlowareUser[]>;
  twoLeggedCall(input: TwoLeggedCallInput): Promise<{ message: string }>;
}

const PREFIX = '/api/v1/webhook';

function apiBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith(PREFIX) ? trimmed : `${trimmed}${PREFIX}`;
}

function serverMessage(json: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { error, message, errors } = parsed.data;
  if (error) return error;
  if (message) return message;
  const first = errors ? Object.values(errors)[0]?.[0] : undefined;
  return first;
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) out[k] = v;
  return out;
}

const bit = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

export function createAlowareClient(options: AlowareClientOptions): AlowareClient {
  const base = apiBase(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const token = options.apiToken;

  /**
   * One HTTP exchange. Resolves for 2xx answers and for the statuses in `accept`; throws ToolError for everything
   * else.
   */
  async function call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, unknown>,
    accept: number[] = [],
  ): Promise<ToolAnswer> {
    const url = new URL(`${base}${path}`);
    let body: string | undefined;
    if (method === 'GET') {
      url.searchParams.set('api_token', token);
      for (const [k, v] of Object.entries(params))
        if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    } else {
      body = JSON.stringify({ api_token: token, ...compact(params) });
    }
    const ctx = context(operation);
    const answer = await sendRequest({
      ...ctx,
      url,
      method,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body,
      timeoutMs,
      fetch: options.fetch,
    });
    if (isSuccess(answer) || accept.includes(answer.status)) return answer;
    const message = serverMessage(answer.json);
    throw errorForAnswer(answer, ctx, { serverMessages: message ? [message] : [] });
  }

  const context = (operation: string): CallContext => ({ tool: 'aloware', operation });
  const parse = <S extends z.ZodType>(operation: string, schema: S, answer: ToolAnswer): z.infer<S> =>
    parseAnswer(schema, answer, context(operation));

  async function messageCall(operation: string, path: string, params: Record<string, unknown>) {
    const answer = await call(operation, 'POST', path, params);
    return { message: parse(operation, messageResponseSchema, answer).message };
  }

  async function found(operation: string, path: string, params: Record<string, unknown>): Promise<boolean> {
    const answer = await call(operation, 'POST', path, params, [404]);
    parse(operation, messageResponseSchema, answer);
    return answer.status !== 404;
  }

  function target(t: SequenceTarget): Record<string, unknown> {
    return t.phoneNumber !== undefined
      ? { source: 'phone_number', phone_number: t.phoneNumber }
      : { source: 'aloware', id: t.contactId };
  }

  return {
    async upsertContactForm(input) {
      const operation = 'upsertContactForm';
      const answer = await call(operation, 'POST', '/forms', {
        ...input.customFields,
        phone_number: input.phoneNumber,
        first_name: input.firstName,
        last_name: input.lastName,
        name: input.name,
        email: input.email,
        company_name: input.companyName,
        lead_source: input.leadSource,
        timezone: input.timezone,
        address: input.address,
        city: input.city,
        state: input.state,
        zipcode: input.zipcode,
        country: input.country,
        website: input.website,
        notes: input.notes,
        csf1: input.csf1,
        csf2: input.csf2,
        date_of_birth: input.dateOfBirth,
        user_id: input.userId,
        disposition_status_id: input.dispositionStatusId,
        tags: input.tags && input.tags.length > 0 ? input.tags.join(',') : undefined,
        tag_id: input.tagId,
        list_ids: input.listIds && input.listIds.length > 0 ? input.listIds.join(',') : undefined,
        add_to_powerdialer: bit(input.addToPowerDialer),
        powerdialer_position: input.powerDialerPosition,
        sequence_id: input.sequenceId,
        force_update_sequence: bit(input.forceUpdateSequence),
        line_id: input.lineId,
        is_dnc: bit(input.isDnc),
        force_update: bit(input.forceUpdate),
      });
      const { message } = parse(operation, messageResponseSchema, answer);
      return { outcome: answer.status === 201 ? 'created' : 'updated', message };
    },

    async lookupContactByPhone(phoneNumber) {
      const operation = 'lookupContactByPhone';
      const answer = await call(
        operation,
        'GET',
        '/contact/phone-number',
        { phone_number: phoneNumber },
        [404],
      );
      if (answer.status === 404) return null;
      return parse(operation, alowareContactSchema, answer);
    },

    sendSms(input) {
      return messageCall('sendSms', '/sms-gateway/send', {
        to: input.to,
        message: input.message,
        from: input.from,
        line_id: input.lineId,
        user_id: input.userId,
        image_url: input.imageUrl,
        force_random: bit(input.forceRandom),
        custom_fields: input.customFields,
      });
    },

    removeFromPowerDialerLists(contactId) {
      return found('removeFromPowerDialerLists', '/powerdialer-remove-contact-from-lists', {
        contact_id: contactId,
      });
    },

    clearPowerDialerList(listId) {
      return found('clearPowerDialerList', '/powerdialer-clear-list', { list_id: listId });
    },

    clearUserPowerDialerLists(userId) {
      return found('clearUserPowerDialerLists', '/powerdialer-clear-user-lists', { user_id: userId });
    },

    enrollSequence(input) {
      return messageCall('enrollSequence', '/sequence-enroll', {
        sequence_id: input.sequenceId,
        ...target(input),
        force_enroll: bit(input.forceEnroll),
      });
    },

    disenrollSequence(t) {
      return messageCall('disenrollSequence', '/sequence-disenroll', target(t));
    },

    async listUsers() {
      const answer = await call('listUsers', 'GET', '/users', {});
      return parse('listUsers', usersResponseSchema, answer);
    },

    twoLeggedCall(input) {
      return messageCall('twoLeggedCall', '/two-legged-call', {
        user_id: input.userId,
        user_phone_number: input.userPhoneNumber,
        ring_group_id: input.ringGroupId,
        contact_phone_number: input.contactPhoneNumber,
        contact_id: input.contactId,
        line_phone_number: input.linePhoneNumber,
        line_id: input.lineId,
      });
    },
  };
}
