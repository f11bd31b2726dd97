/** Everything the GHL simulator remembers: locations and their contacts, tokens, notes, conversations, logs. */
import { randomUUID } from 'node:crypto';
import { digest } from './http.ts';
import {
  ghlId,
  type SimContact,
  type SimConversation,
  type SimCustomField,
  type SimMessage,
  type SimNote,
  type SimUser,
} from './model.ts';
import { ghlSpec } from './spec.ts';
import type {
  FaultSpec,
  GhlLocationSettings,
  GhlRateLimitSettings,
  GhlSimulatorOptions,
  SimRequest,
  SpecViolation,
} from './types.ts';
import { WebhookDispatcher } from './webhooks.ts';

export interface TokenRecord {
  digest: Buffer;
  token: string;
  kind: 'pit' | 'oauth';
  locationId: string;
  clientId?: string;
  expiresAt?: number;
}

export interface RefreshRecord {
  digest: Buffer;
  locationId: string;
  clientId: string;
  used: boolean;
}

export interface Location {
  id: string;
  settings: GhlLocationSettings;
  contacts: Map<string, SimContact>;
  customFields: SimCustomField[];
  users: SimUser[];
}

export type GhlState = ReturnType<typeof createState>;

const defaultUsers = (): Omit<SimUser, 'id'>[] => [
  { name: 'Grace Example', firstName: 'Grace', lastName: 'Example', email: 'grace.example@example.com' },
  { name: 'Alan Example', firstName: 'Alan', lastName: 'Example', email: 'alan.example@example.com' },
];

const defaultCustomFields = (): Omit<SimCustomField, 'position'>[] => [
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
];

export function createState(options: GhlSimulatorOptions) {
  const locationIds = options.locationIds ?? [options.locationId ?? ghlId()];
  const rateLimit: GhlRateLimitSettings = {
    max: 100,
    intervalMs: 10_000,
    daily: 200_000,
    retryAfter: true,
    ...options.rateLimit,
  };
  const locations = new Map<string, Location>();
  const tokens: TokenRecord[] = [];
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
      customFields: (options.customFields ?? defaultCustomFields()).map((f, position) => ({
        ...f,
        position,
      })),
      users: (options.users ?? defaultUsers()).map((u) => ({ ...u, id: ghlId() })),
    });
    const pit = index === 0 && options.pitToken ? options.pitToken : `pit-${randomUUID()}`;
    pitTokens[id] = pit;
    tokens.push({ digest: digest(pit), token: pit, kind: 'pit', locationId: id });
  });
  return {
    options,
    spec: ghlSpec(),
    locationIds,
    firstLocation: locationIds[0] as string,
    oauthClient: options.oauthClient ?? { clientId: `sim-client-${ghlId()}`, clientSecret: randomUUID() },
    conversationProviderId: options.conversationProviderId ?? ghlId(),
    rateLimit,
    notFoundStatus: options.notFoundStatus ?? 400,
    latencyMs: options.latencyMs ?? 0,
    webhookUrl: options.webhookUrl,
    providerWebhookUrl: options.providerWebhookUrl,
    dispatcher: new WebhookDispatcher({
      retry: options.webhookRetry,
      legacySignature: options.legacySignature ?? true,
      ...(options.signingKeys && { signingKeys: options.signingKeys }),
    }),
    locations,
    tokens,
    pitTokens,
    refreshTokens: [] as RefreshRecord[],
    authCodes: new Map<string, string>(),
    notes: new Map<string, SimNote>(),
    conversations: new Map<string, SimConversation>(),
    messages: new Map<string, SimMessage>(),
    requests: [] as SimRequest[],
    events: [] as Record<string, unknown>[],
    providerEvents: [] as Record<string, unknown>[],
    specViolations: [] as SpecViolation[],
    faults: [] as (FaultSpec & { remaining: number })[],
    burst: new Map<string, number[]>(),
    daily: new Map<string, { day: string; count: number }>(),
  };
}
