/** The public token API under `/api/v1/webhook`, with the real tool's answers and quirks (aloware-api.md §7). */
import { Router } from '@koa/router';
import type Koa from 'koa';
import { toE164 } from '../kit/index.ts';
import type { Communications } from './communications.ts';
import { flag, intOrNull, LEAD_KEYS, splitList, tokensEqual } from './constants.ts';
import type { ContactStore } from './contacts.ts';
import type { JsonObject } from './fixtures.ts';
import type { Messaging } from './messaging.ts';
import type { OutboundCalls } from './outbound-call.ts';
import type { AlowareState } from './state.ts';
import type { AlowareContact, LeadFields } from './types.ts';
import type { WebhookOut } from './webhook-out.ts';

export type PublicApi = ReturnType<typeof publicApi>;

export function publicApi(
  st: AlowareState,
  { emit }: WebhookOut,
  { snapshot, newContact, store, find, applyLead, emitContactChanges }: ContactStore,
  { userById }: Communications,
  { placeOutboundCall }: OutboundCalls,
  { sendSms }: Messaging,
) {
  const { options, tokens, company, customFields, users, emitFromApi, contacts, lists } = st;
  // ---------------------------------------------------------------- HTTP API
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
    // Lists are created in Aloware's UI only, so an id it has never seen is a client error. Aloware is Laravel:
    // its validation answers 422 with `errors` per field before anything is saved (our choice from the
    // contract; the real text is unpublished), so a bad list id creates and updates nothing.
    const unknownList = splitList(fields.list_ids).find((id) => {
      const listId = intOrNull(id);
      return listId === null || !lists.has(listId);
    });
    if (unknownList !== undefined) {
      const message = 'The selected list ids is invalid.';
      return reply(ctx, 422, { message, errors: { list_ids: [message] } });
    }
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
  return { router };
}
