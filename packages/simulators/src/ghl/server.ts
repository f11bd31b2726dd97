/**
 * A stateful GoHighLevel (LeadConnector API v2) simulator: a Koa HTTP server that follows the official OpenAPI files
 * and the contract notes in docs/ghl-api.md. See README.md next to this file for what it models. This file wires the
 * pieces (state, routes per resource, the request pipeline, the admin API) and hands tests their handle.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { adminApi } from './admin.ts';
import { contactOps } from './contact-ops.ts';
import { conversationOps } from './conversation-ops.ts';
import { lookups } from './lookups.ts';
import { apiPipeline } from './pipeline.ts';
import { createRouteTable } from './router.ts';
import { contactRoutes } from './routes/contacts.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { messageUserRoutes } from './routes/messages-users.ts';
import { oauthRoutes } from './routes/oauth.ts';
import { tagNoteRoutes } from './routes/tags-notes.ts';
import { createState } from './state.ts';
import type { GhlSimulator, GhlSimulatorOptions } from './types.ts';

export type {
  FaultSpec,
  GhlLocationSettings,
  GhlRateLimitSettings,
  GhlSimulator,
  GhlSimulatorOptions,
  SimRequest,
  SpecViolation,
} from './types.ts';

const isAppToken = (t: { kind: string; locationId: string }, locationId: string) =>
  t.kind === 'oauth' && t.locationId === locationId;
// GHL's client ids are `<appId>-<suffix>`; the app's webhooks name the app id.
const appIdOf = (clientId: string) => clientId.split('-').slice(0, -1).join('-') || clientId;

export async function startGhlSimulator(options: GhlSimulatorOptions = {}): Promise<GhlSimulator> {
  const s = createState(options);
  const l = lookups(s);
  const c = contactOps(l);
  const v = conversationOps(s, l);
  const { route, routes } = createRouteTable();
  // Registered in GHL's precedence: a literal path (`/contacts/search/duplicate`) before a `{param}` one.
  contactRoutes(route, l, c, s);
  tagNoteRoutes(route, l, c, s);
  conversationRoutes(route, l, v, s);
  messageUserRoutes(route, l, s);
  oauthRoutes(route, l, s);
  const { location, findContact, issueTokens, emit } = l;
  const { newContact, updateContact } = c;
  const { firstLocation } = s;

  const app = new Koa();
  app.use(adminApi(() => simulator));
  for (const middleware of apiPipeline(s, l, routes)) app.use(middleware);

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(listening));
  });
  server.keepAliveTimeout = 1_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  const simulator: GhlSimulator = {
    url,
    port,
    locationIds: s.locationIds,
    locationId: firstLocation,
    pitToken: s.pitTokens[firstLocation] as string,
    pitTokens: s.pitTokens,
    oauthClient: s.oauthClient,
    conversationProviderId: s.conversationProviderId,
    publicKeys: s.dispatcher.publicKeys,
    requests: s.requests,
    events: s.events,
    providerEvents: s.providerEvents,
    deliveries: s.dispatcher.deliveries,
    specViolations: s.specViolations,
    contacts: (locationId = firstLocation) => [...(s.locations.get(locationId)?.contacts.values() ?? [])],
    contact: (id) => findContact(id),
    notes: (contactId) => [...s.notes.values()].filter((n) => n.contactId === contactId),
    conversations: (locationId = firstLocation) =>
      [...s.conversations.values()].filter((c) => c.locationId === locationId),
    messages: (conversationId) =>
      [...s.messages.values()].filter(
        (m) => conversationId === undefined || m.conversationId === conversationId,
      ),
    customFields: (locationId = firstLocation) => [...(s.locations.get(locationId)?.customFields ?? [])],
    users: (locationId = firstLocation) => [...(s.locations.get(locationId)?.users ?? [])],
    seedContact(fields, opts = {}) {
      const loc = location(opts.locationId ?? firstLocation);
      if (opts.silent) {
        const before = s.events.length;
        const saved = s.webhookUrl;
        s.webhookUrl = undefined;
        const contact = newContact(loc, fields);
        s.webhookUrl = saved;
        s.events.splice(before);
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
      s.faults.push({ ...fault, remaining: count });
    },
    failNextCreateAfterEffect(count, status = 422) {
      s.faults.push({
        status,
        method: 'POST',
        path: /^\/contacts\/(upsert)?$/,
        afterEffect: true,
        remaining: count,
      });
    },
    clearFaults() {
      s.faults.splice(0);
    },
    setLatency(ms) {
      s.latencyMs = ms;
    },
    setRateLimit(settings) {
      Object.assign(s.rateLimit, settings);
    },
    resetRateLimits() {
      s.burst.clear();
      s.daily.clear();
    },
    setLocationSettings(locationId, settings) {
      Object.assign(location(locationId).settings, settings);
    },
    setWebhookUrl(next) {
      s.webhookUrl = next;
    },
    setProviderWebhookUrl(next) {
      s.providerWebhookUrl = next;
    },
    issueAuthCode(locationId = firstLocation) {
      location(locationId);
      const code = randomUUID().replaceAll('-', '');
      s.authCodes.set(code, locationId);
      return code;
    },
    issueOAuthTokens(locationId = firstLocation) {
      location(locationId);
      return issueTokens(locationId, s.oauthClient.clientId);
    },
    uninstallApp(locationId = firstLocation) {
      location(locationId);
      // GHL revokes the app's tokens for the location, then tells the app (AppUninstall, `type` UNINSTALL).
      s.tokens.splice(0, s.tokens.length, ...s.tokens.filter((t) => !isAppToken(t, locationId)));
      const refreshable = s.refreshTokens.filter((r) => r.locationId !== locationId);
      s.refreshTokens.splice(0, s.refreshTokens.length, ...refreshable);
      emit({ type: 'UNINSTALL', appId: appIdOf(s.oauthClient.clientId), locationId });
    },
    expireAccessTokens(locationId) {
      for (const t of s.tokens) {
        if (t.kind === 'oauth' && (locationId === undefined || t.locationId === locationId)) t.expiresAt = 0;
      }
    },
    idle: () => s.dispatcher.idle(),
    async close() {
      s.dispatcher.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return simulator;
}
