/**
 * GHL OAuth: the token endpoint, the install code exchange, and the access token a client presents. Tokens are
 * refreshed 30 s before expiry and on a 401. Refreshes are single-flight per (store, location) inside a process and
 * serialized across processes by the store's `exclusive` (a row lock in Postgres): whoever gets the lock second finds
 * the tokens already rotated and uses them. A refresh GHL refuses marks the connection broken (`auth_broken` from
 * then on, no loop) — decided under the lock, so only a refusal of the *current* refresh token breaks a location.
 */
import { errorForAnswer, isSuccess, isToolError, parseAnswer, sendRequest, ToolError } from '@df/tool-http';
import { readErrorBody } from './errors.ts';
import { DEFAULT_GHL_BASE_URL } from './resources/versions.ts';
import { type GhlTokenResponse, tokenResponse } from './schemas.ts';
import type { GhlTokenSet, GhlTokenStore } from './token-store.ts';

const REFRESH_MARGIN_MS = 30_000;

export type GhlAuth =
  | { type: 'pit'; token: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; store: GhlTokenStore };

interface Endpoint {
  baseUrl: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

async function postTokenEndpoint(
  endpoint: Endpoint,
  form: Record<string, string>,
  operation: string,
  locationId?: string,
): Promise<GhlTokenResponse> {
  const ctx = { tool: 'ghl', operation, locationId } as const;
  const answer = await sendRequest({
    ...ctx,
    url: `${endpoint.baseUrl}/oauth/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    timeoutMs: endpoint.timeoutMs,
    fetch: endpoint.fetch,
  });
  if (!isSuccess(answer)) throw errorForAnswer(answer, ctx, readErrorBody(answer.json));
  return parseAnswer(tokenResponse, answer, ctx);
}

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

export interface ExchangeCodeOptions extends Partial<Endpoint> {
  code: string;
  clientId: string;
  clientSecret: string;
  redirectUri?: string;
  store: GhlTokenStore;
}

/** Exchanges the authorization code from the install redirect; saves the tokens under the returned location. */
export async function exchangeCode(
  options: ExchangeCodeOptions,
): Promise<{ locationId: string; tokens: GhlTokenSet }> {
  const form: Record<string, string> = {
    client_id: options.clientId,
    client_secret: options.clientSecret,
    grant_type: 'authorization_code',
    code: options.code,
    user_type: 'Location',
  };
  if (options.redirectUri) form.redirect_uri = options.redirectUri;
  const endpoint = {
    baseUrl: (options.baseUrl ?? DEFAULT_GHL_BASE_URL).replace(/\/$/, ''),
    timeoutMs: options.timeoutMs ?? 15_000,
    fetch: options.fetch,
  };
  const response = await postTokenEndpoint(endpoint, form, 'exchangeCode');
  if (!response.locationId) {
    throw new ToolError('invalid_response', {
      tool: 'ghl',
      operation: 'exchangeCode',
      serverMessages: ['no locationId (not a Location token)'],
    });
  }
  const tokens = tokenSetFrom(response);
  await options.store.save(response.locationId, tokens);
  return { locationId: response.locationId, tokens };
}

export interface AccessTokens {
  /** The token to present now (refreshed first when about to expire). */
  current(): Promise<string>;
  /** Refreshes unless someone already replaced `staleAccessToken`; without it, always. */
  refresh(staleAccessToken?: string): Promise<GhlTokenSet>;
  readonly refreshable: boolean;
}

// Single-flight refreshes inside the process, shared by every client that uses the same token store.
const flights = new WeakMap<GhlTokenStore, Map<string, Promise<GhlTokenSet>>>();

export function accessTokens(auth: GhlAuth, locationId: string, endpoint: Endpoint): AccessTokens {
  const broken = (operation: string, cause?: ToolError) =>
    new ToolError('auth_broken', {
      tool: 'ghl',
      operation,
      locationId,
      ...(cause && { status: cause.status, serverMessages: cause.serverMessages, cause }),
    });

  async function refreshUnderLock(store: GhlTokenStore, staleAccessToken?: string): Promise<GhlTokenSet> {
    if (auth.type !== 'oauth')
      throw new ToolError('unauthorized', { tool: 'ghl', operation: 'refreshToken' });
    let refusal: ToolError | undefined;
    const after = await store.exclusive(locationId, async (current) => {
      if (!current || current.broken) return undefined;
      // Someone refreshed since this caller read its token: use theirs.
      if (staleAccessToken !== undefined && current.tokens.accessToken !== staleAccessToken) return undefined;
      const form = {
        client_id: auth.clientId,
        client_secret: auth.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: current.tokens.refreshToken,
        user_type: 'Location',
      };
      try {
        return { tokens: tokenSetFrom(await postTokenEndpoint(endpoint, form, 'refreshToken', locationId)) };
      } catch (error) {
        // A refusal (invalid_grant, inactive location) of the current token is final; anything else may pass.
        if (!isToolError(error) || error.retriable || error.code === 'invalid_response') throw error;
        refusal = error;
        return { broken: error.serverMessage ?? error.code };
      }
    });
    if (!after || after.broken) throw broken('refreshToken', refusal);
    return after.tokens;
  }

  function refresh(staleAccessToken?: string): Promise<GhlTokenSet> {
    if (auth.type !== 'oauth')
      return Promise.reject(new ToolError('unauthorized', { tool: 'ghl', operation: 'refreshToken' }));
    const running = flights.get(auth.store) ?? new Map<string, Promise<GhlTokenSet>>();
    flights.set(auth.store, running);
    const inFlight = running.get(locationId);
    if (inFlight) return inFlight;
    const flight = refreshUnderLock(auth.store, staleAccessToken).finally(() => running.delete(locationId));
    running.set(locationId, flight);
    return flight;
  }

  return {
    refreshable: auth.type === 'oauth',
    refresh,
    async current() {
      if (auth.type === 'pit') return auth.token;
      const connection = await auth.store.get(locationId);
      if (!connection || connection.broken) throw broken('auth');
      if (connection.tokens.expiresAt - REFRESH_MARGIN_MS > Date.now()) return connection.tokens.accessToken;
      return (await refresh(connection.tokens.accessToken)).accessToken;
    },
  };
}
