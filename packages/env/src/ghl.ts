import type { z } from 'zod';
import { aes256Key, oneOf, requiredUrl, text } from './settings.ts';
import { requireSet } from './tools.ts';

/**
 * How a process authenticates to GHL: a Private Integration Token, or the marketplace app's OAuth tokens, which
 * the install callback stores (encrypted) in Postgres and every process then reads and refreshes from there.
 */
export const ghlAppEnv = {
  GHL_AUTH: oneOf(['pit', 'oauth'], 'pit'),
  GHL_CLIENT_ID: text(),
  GHL_CLIENT_SECRET: text(),
  GHL_TOKEN_ENCRYPTION_KEY: aes256Key(),
  GHL_BASE_URL: requiredUrl('https://services.leadconnectorhq.com'),
};

/** Every GHL API setting of a service that calls GHL for one location. */
export const ghlApiEnv = {
  ...ghlAppEnv,
  GHL_API_KEY: text(),
  GHL_LOCATION_ID: text(),
};

type GhlApiParsed = z.output<z.ZodObject<typeof ghlApiEnv>>;

/** The names that must be set for `GHL_AUTH`'s mode (the location's id is always needed). */
export function ghlCredentialNames(mode: 'pit' | 'oauth'): string[] {
  return mode === 'pit'
    ? ['GHL_LOCATION_ID', 'GHL_API_KEY']
    : ['GHL_LOCATION_ID', 'GHL_CLIENT_ID', 'GHL_CLIENT_SECRET', 'GHL_TOKEN_ENCRYPTION_KEY'];
}

/** Requires what `GHL_AUTH`'s mode needs; `why` says what the process does with GHL. */
export function requireGhlCredentials(
  env: { GHL_AUTH: 'pit' | 'oauth' } & Record<string, unknown>,
  ctx: z.RefinementCtx,
  why: string,
): void {
  const reason = env.GHL_AUTH === 'oauth' ? `with GHL_AUTH=oauth ${why}` : why;
  requireSet(env, ctx, ghlCredentialNames(env.GHL_AUTH), reason);
}

/** Structurally `@df/ghl-store`'s `SharedGhlAuth` (the env package depends on no client). */
export type GhlAuthSettings =
  | { type: 'pit'; token: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; encryptionKey: string };

export interface GhlApiSettings {
  baseUrl: string;
  locationId: string;
  auth: GhlAuthSettings;
}

/** The marketplace app (install callback, uninstall webhook), when `GHL_AUTH=oauth`. */
export interface GhlAppSettings {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  encryptionKey: string;
}

/** Call only once the mode's names were required (`requireSet(env, ctx, ghlCredentialNames(...))`). */
export function toGhlApiSettings(e: GhlApiParsed): GhlApiSettings {
  const auth: GhlAuthSettings =
    e.GHL_AUTH === 'pit'
      ? { type: 'pit', token: e.GHL_API_KEY! }
      : {
          type: 'oauth',
          clientId: e.GHL_CLIENT_ID!,
          clientSecret: e.GHL_CLIENT_SECRET!,
          encryptionKey: e.GHL_TOKEN_ENCRYPTION_KEY!,
        };
  return { baseUrl: e.GHL_BASE_URL, locationId: e.GHL_LOCATION_ID!, auth };
}
