/**
 * A stateful Aloware simulator: the public token API under `/api/v1/webhook/…` with the real tool's quirks,
 * and a webhook emitter that reproduces Aloware's envelope, auth, fan-out and "never retry" delivery.
 * See `shared/docs/aloware-api.md` (§7 endpoints, §5 webhooks, §9 simulator checklist). This file wires the
 * pieces (state, contacts, communications, the API, the control plane) and hands tests their handle.
 */
import Koa from 'koa';
import { bodyReader, deferWebhooksUntilAnswered, listen, requestLogger, toE164 } from '../kit/index.ts';
import { publicApi } from './api.ts';
import { communications } from './communications.ts';
import { AGENT_STATUS_NAMES, ALOWARE_SPA_HTML } from './constants.ts';
import { contactStore } from './contacts.ts';
import { alowareControl } from './control.ts';
import { inboundCalls } from './inbound-call.ts';
import { messaging } from './messaging.ts';
import { outboundCalls } from './outbound-call.ts';
import type { AlowareSimulator } from './simulator-types.ts';
import { createAlowareState } from './state.ts';
import type { AlowareSimulatorOptions } from './types.ts';
import { webhookOut } from './webhook-out.ts';

export { ALOWARE_SPA_HTML, type AlowareEventName, type ContactEvent } from './constants.ts';
export type { AlowareSimulator, CallResult, InboundCallInput, OutboundCallInput } from './simulator-types.ts';

export async function startAlowareSimulator(
  options: AlowareSimulatorOptions = {},
): Promise<AlowareSimulator> {
  const st = createAlowareState(options);
  const { tokens, contacts, lists, tags, users, sentSms, failingSms, requests, faults, queue } = st;
  const out = webhookOut(st);
  const { emit } = out;
  const people = contactStore(st, out);
  const { snapshot, newContact, store, find, mustFind, ensureList, applyLead, emitContactChanges } = people;
  const comms = communications(st, people);
  const { userById } = comms;
  const calls = outboundCalls(st, out, people, comms);
  const { placeOutboundCall } = calls;
  const { receiveInboundCall } = inboundCalls(st, out, people, comms);
  const texts = messaging(st, out, people, comms);
  const { receiveSms, bookAppointment } = texts;
  const { router } = publicApi(st, out, people, comms, calls, texts);
  const app = new Koa();

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
      st.webhookUrl = url;
      if (auth) st.webhookAuth = auth;
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
    createContact(fields, options = {}) {
      const phone = toE164(fields.phone_number);
      if (!phone) throw new Error('Aloware simulator: invalid phone number');
      // Aloware's UI lets a user save a second contact with a number another contact has; the API cannot.
      if (find(phone) && !options.duplicate) throw new Error('Aloware simulator: contact already exists');
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
      const list = ensureList(id ?? st.nextListId, name, userId);
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
