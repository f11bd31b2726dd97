import type { Database } from '@df/db';
import { createGhlClient, type GhlClient, type GhlClientOptions } from '@df/ghl-client';
import type { Kysely } from 'kysely';
import { parseEncryptionKey } from './crypto.ts';
import { PgGhlRateLimiter } from './pg-rate-limiter.ts';
import { PgGhlTokenStore } from './pg-token-store.ts';

/** PIT, or the marketplace app's OAuth tokens kept in Postgres, encrypted with `encryptionKey`. */
export type SharedGhlAuth =
  | { type: 'pit'; token: string }
  | { type: 'oauth'; clientId: string; clientSecret: string; encryptionKey: string | Buffer };

export interface SharedGhlClientOptions extends Omit<GhlClientOptions, 'auth' | 'limiter'> {
  db: Kysely<Database>;
  auth: SharedGhlAuth;
}

// One limiter per (pool, location) in a process, so the process's callers queue and lease together.
const limiters = new WeakMap<Kysely<Database>, Map<string, PgGhlRateLimiter>>();

/** The location's budget shared by every process using this database; one instance per process and location. */
export function sharedRateLimiter(
  db: Kysely<Database>,
  locationId: string,
  limits: GhlClientOptions['rateLimit'] = {},
): PgGhlRateLimiter {
  const byLocation = limiters.get(db) ?? new Map<string, PgGhlRateLimiter>();
  limiters.set(db, byLocation);
  let limiter = byLocation.get(locationId);
  if (!limiter) {
    limiter = new PgGhlRateLimiter({ db, key: locationId, ...limits });
    byLocation.set(locationId, limiter);
  }
  return limiter;
}

/**
 * A GHL client for a deployment of several processes: the location's request budget and (with OAuth) its tokens
 * live in Postgres, so every process draws from one budget and refreshes tokens one at a time.
 */
export function createSharedGhlClient(options: SharedGhlClientOptions): GhlClient {
  const { db, auth, ...rest } = options;
  const limiter = sharedRateLimiter(db, options.locationId, options.rateLimit);
  if (auth.type === 'pit') return createGhlClient({ ...rest, limiter, auth });
  const key =
    typeof auth.encryptionKey === 'string' ? parseEncryptionKey(auth.encryptionKey) : auth.encryptionKey;
  const store = new PgGhlTokenStore(db, key);
  const { clientId, clientSecret } = auth;
  return createGhlClient({ ...rest, limiter, auth: { type: 'oauth', clientId, clientSecret, store } });
}
