import type { Database } from '@df/db';
import { exchangeCode } from '@df/ghl-client';
import type { Kysely } from 'kysely';
import { parseEncryptionKey } from './crypto.ts';
import { PgGhlTokenStore } from './pg-token-store.ts';

export interface GhlAppCredentials {
  db: Kysely<Database>;
  /** `GHL_TOKEN_ENCRYPTION_KEY`: 32 bytes, base64 or hex. */
  encryptionKey: string | Buffer;
  clientId: string;
  clientSecret: string;
  /** The redirect URI registered for the marketplace app (sent back with the code exchange when set). */
  redirectUri?: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}

const storeFor = (app: GhlAppCredentials) =>
  new PgGhlTokenStore(
    app.db,
    typeof app.encryptionKey === 'string' ? parseEncryptionKey(app.encryptionKey) : app.encryptionKey,
  );

/**
 * The install callback (`/oauth/callback?code=…`): exchanges the code for the location's tokens and stores them
 * encrypted, where every process's `createSharedGhlClient` finds them. A re-install replaces a broken connection.
 */
export async function completeGhlInstall(
  app: GhlAppCredentials,
  code: string,
): Promise<{ locationId: string }> {
  const { locationId } = await exchangeCode({
    code,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    store: storeFor(app),
    ...(app.redirectUri && { redirectUri: app.redirectUri }),
    ...(app.baseUrl && { baseUrl: app.baseUrl }),
    ...(app.fetch && { fetch: app.fetch }),
  });
  return { locationId };
}

/**
 * GHL's `AppUninstall` webhook: the tokens are dead. The connection is marked broken (not deleted, so the reason
 * stays visible) and clients fail fast with `auth_broken` instead of trying to refresh. `receivedAt` (when the
 * webhook arrived) spares tokens stored after it: an uninstall handled late must not break a re-install.
 * Resolves to whether a connection was marked.
 */
export async function recordGhlUninstall(
  app: GhlAppCredentials,
  locationId: string,
  receivedAt?: Date,
): Promise<{ marked: boolean }> {
  return { marked: await storeFor(app).markBrokenIfWrittenBefore(locationId, 'app uninstalled', receivedAt) };
}
