/** The GHL simulator's public types: options, the handle tests drive it with, its request log and faults. */
import type { FaultSpec } from '../kit/faults.ts';
import type { SimContact, SimConversation, SimCustomField, SimMessage, SimNote, SimUser } from './model.ts';
import type { GhlPublicKeys, GhlSigningKeys, WebhookDelivery, WebhookRetryPolicy } from './webhooks.ts';

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
  /** The location's users (agents); two by default. */
  users?: Omit<SimUser, 'id'>[];
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

// One fault description for the three simulators (kit/faults.ts).
export type { FaultSpec };

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
  users(locationId?: string): SimUser[];
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
  /** The app is removed from the location: its OAuth tokens stop working and a signed UNINSTALL webhook is sent. */
  uninstallApp(locationId?: string): void;
  /** Expires every OAuth access token (of one location). API calls then get 401 until refreshed. */
  expireAccessTokens(locationId?: string): void;
  /** Resolves when all queued webhook deliveries (with retries) have finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
