/**
 * Typed client for the GHL (LeadConnector) API v2, scoped to one location (sub-account): the resources' operation
 * tables (`resources/`) over one transport (`transport.ts`: rate limit, 429, 401 refresh, retries, parsing) and
 * one source of access tokens (`oauth.ts`: PIT, or OAuth refreshed under the token store's lock). Configuration
 * arrives as arguments only.
 */
import type { GhlRateLimiter, RateLimiterOptions } from './limiter.ts';
import { sharedGhlRateLimiter } from './local-limiter.ts';
import { accessTokens, type GhlAuth } from './oauth.ts';
import { contactsApi, type GhlContactsApi } from './resources/contacts.ts';
import { conversationsApi, type GhlConversationsApi } from './resources/conversations.ts';
import { customFieldsApi, type GhlCustomFieldsApi } from './resources/custom-fields.ts';
import { type GhlTagsNotesApi, tagsNotesApi } from './resources/tags-notes.ts';
import { type GhlUsersApi, usersApi } from './resources/users.ts';
import { DEFAULT_GHL_BASE_URL } from './resources/versions.ts';
import type { GhlTokenSet } from './token-store.ts';
import { createTransport, type TransportOptions } from './transport.ts';

export interface GhlClientOptions {
  locationId: string;
  auth: GhlAuth;
  /** Default https://services.leadconnectorhq.com. */
  baseUrl?: string;
  /** Per-request timeout. Default 15 000 ms. */
  timeoutMs?: number;
  /**
   * The location's budget. Default: the process-wide `LocalGhlRateLimiter` of (baseUrl, locationId). Several
   * processes sharing a location must share one budget: pass `@df/ghl-store`'s `PgGhlRateLimiter`.
   */
  limiter?: GhlRateLimiter;
  /** Limits for that process-wide limiter when this client is the first to use it. Default 100 / 10 s. */
  rateLimit?: RateLimiterOptions;
  /** Retries of 5xx / network / timeout on idempotent operations. Default 2. */
  retries?: number;
  /** Base backoff for those retries. Default 250 ms (doubled, with jitter). */
  retryBaseDelayMs?: number;
  /** Cap on consecutive 429 retries of one call. Default Infinity (never drop). */
  maxRateLimitRetries?: number;
  /** Called after every call, for metrics (no bodies, no tokens). */
  onCall?: TransportOptions['onCall'];
  /** Alert when GHL reports less than `dailyAlertRatio` (default 0.1) of the daily budget left. */
  onDailyBudgetLow?: TransportOptions['onDailyBudgetLow'];
  dailyAlertRatio?: number;
  fetch?: typeof fetch;
}

export interface GhlClient
  extends GhlContactsApi,
    GhlTagsNotesApi,
    GhlCustomFieldsApi,
    GhlConversationsApi,
    GhlUsersApi {
  readonly locationId: string;
  readonly limiter: GhlRateLimiter;
  /** Forces an OAuth refresh (single-flight, serialized by the token store). */
  refreshToken(): Promise<GhlTokenSet>;
}

export function createGhlClient(options: GhlClientOptions): GhlClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_GHL_BASE_URL).replace(/\/$/, '');
  const { locationId } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const limiter = options.limiter ?? sharedGhlRateLimiter(`${baseUrl}|${locationId}`, options.rateLimit);
  const tokens = accessTokens(options.auth, locationId, { baseUrl, timeoutMs, fetch: options.fetch });
  const call = createTransport({
    baseUrl,
    locationId,
    tokens,
    limiter,
    timeoutMs,
    retries: options.retries ?? 2,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
    maxRateLimitRetries: options.maxRateLimitRetries ?? Number.POSITIVE_INFINITY,
    onCall: options.onCall,
    onDailyBudgetLow: options.onDailyBudgetLow,
    dailyAlertRatio: options.dailyAlertRatio ?? 0.1,
    fetch: options.fetch,
  });
  return {
    locationId,
    limiter,
    ...contactsApi(call, locationId),
    ...tagsNotesApi(call),
    ...customFieldsApi(call, locationId),
    ...conversationsApi(call, locationId),
    ...usersApi(call, locationId),
    refreshToken: () => tokens.refresh(),
  };
}
