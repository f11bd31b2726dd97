import type { Database } from '@df/db';
import type { Kysely } from 'kysely';
import { decryptSecret, encryptSecret } from './crypto.ts';
import type { GhlConnection, GhlTokenSet, GhlTokenStore } from './token-store.ts';

/**
 * OAuth tokens in Postgres, encrypted with AES-256-GCM and bound to their location id (a token copied to
 * another location's row does not decrypt). The key comes from configuration, never from the database.
 */
export class PgGhlTokenStore implements GhlTokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: Buffer,
  ) {}

  async get(locationId: string): Promise<GhlConnection | undefined> {
    const row = await this.db
      .selectFrom('ghl_oauth_connections')
      .selectAll()
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      locationId,
      tokens: {
        accessToken: decryptSecret(row.access_token_enc, this.key, locationId),
        refreshToken: decryptSecret(row.refresh_token_enc, this.key, locationId),
        expiresAt: row.access_expires_at.getTime(),
        ...(row.scope ? { scope: row.scope } : {}),
        ...(row.user_type ? { userType: row.user_type } : {}),
        ...(row.company_id ? { companyId: row.company_id } : {}),
      },
      ...(row.status === 'broken' && row.broken_at
        ? { broken: { reason: row.broken_reason ?? 'unknown', at: row.broken_at.getTime() } }
        : {}),
    };
  }

  async save(locationId: string, tokens: GhlTokenSet): Promise<void> {
    const values = {
      access_token_enc: encryptSecret(tokens.accessToken, this.key, locationId),
      refresh_token_enc: encryptSecret(tokens.refreshToken, this.key, locationId),
      access_expires_at: new Date(tokens.expiresAt),
      scope: tokens.scope ?? null,
      user_type: tokens.userType ?? null,
      company_id: tokens.companyId ?? null,
      status: 'active' as const,
      broken_reason: null,
      broken_at: null,
      updated_at: new Date(),
    };
    await this.db
      .insertInto('ghl_oauth_connections')
      .values({ location_id: locationId, ...values })
      .onConflict((oc) => oc.column('location_id').doUpdateSet(values))
      .execute();
  }

  async markBroken(locationId: string, reason: string): Promise<void> {
    await this.db
      .updateTable('ghl_oauth_connections')
      .set({ status: 'broken', broken_reason: reason, broken_at: new Date(), updated_at: new Date() })
      .where('location_id', '=', locationId)
      .execute();
  }
}
