import type { Database } from '@df/db';
import { createGhlClient, type GhlClient, type GhlClientOptions, type GhlRateLimiter } from '@df/ghl-client';
import { PgGhlTokenStore, parseEncryptionKey, type SharedGhlAuth } from '@df/ghl-store';
import type { Kysely } from 'kysely';
import { BudgetShareLimiter } from './budget-share.ts';

export interface BulkGhlOptions {
  db: Kysely<Database>;
  locationId: string;
  baseUrl?: string;
  auth: SharedGhlAuth;
  /** The location's budget live traffic draws from (the services' client's `limiter`). */
  locationLimiter: GhlRateLimiter;
  /** Of the location's rate, what backfill and reconciliation may use (`BACKFILL_GHL_SHARE`). */
  share: number;
  onCall?: GhlClientOptions['onCall'];
}

/** The GHL client of bulk work: same location and credentials as the services', on its share of the budget. */
export function createBulkGhlClient(options: BulkGhlOptions): GhlClient {
  const { db, locationId, baseUrl, auth, onCall } = options;
  const limiter = new BudgetShareLimiter(options.locationLimiter, { db, locationId, share: options.share });
  if (auth.type === 'pit') return createGhlClient({ locationId, baseUrl, auth, limiter, onCall });
  const key =
    typeof auth.encryptionKey === 'string' ? parseEncryptionKey(auth.encryptionKey) : auth.encryptionKey;
  const store = new PgGhlTokenStore(db, key);
  const { clientId, clientSecret } = auth;
  return createGhlClient({
    locationId,
    baseUrl,
    auth: { type: 'oauth', clientId, clientSecret, store },
    limiter,
    onCall,
  });
}
