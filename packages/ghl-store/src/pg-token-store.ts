import type { Database } from '@df/db';
import type { GhlConnection, GhlConnectionUpdate, GhlTokenSet, GhlTokenStore } from '@df/ghl-client';
import type { Kysely, Selectable } from 'kysely';
import { decryptSecret, encryptSecret } from './crypto.ts';

type Row = Selectable<Database['ghl_oauth_connections']>;

/**
 * OAuth tokens in Postgres, encrypted with AES-256-GCM and bound to their location id (a token copied to
 * another location's row does not decrypt). The key comes from configuration, never from the database.
 * `exclusive` holds the row (`SELECT … FOR UPDATE`) while a refresh runs, so processes sharing a location refresh
 * one at a time and each later one finds the tokens already rotated.
 */
export class PgGhlTokenStore implements GhlTokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: Buffer,
  ) {}

  async get(locationId: string): Promise<GhlConnection | undefined> {
    return this.read(this.db, locationId, false);
  }

  async save(locationId: string, tokens: GhlTokenSet): Promise<void> {
    await this.write(this.db, locationId, tokens);
  }

  async markBroken(locationId: string, reason: string): Promise<void> {
    await this.markBrokenIfWrittenBefore(locationId, reason);
  }

  /**
   * Marks the connection broken only if its tokens were stored before `writtenBefore` (when given): a later
   * install's tokens stay usable. Resolves to whether a connection was marked.
   */
  async markBrokenIfWrittenBefore(
    locationId: string,
    reason: string,
    writtenBefore?: Date,
  ): Promise<boolean> {
    let update = this.db
      .updateTable('ghl_oauth_connections')
      .set({ status: 'broken', broken_reason: reason, broken_at: new Date(), updated_at: new Date() })
      .where('location_id', '=', locationId);
    if (writtenBefore) update = update.where('updated_at', '<', writtenBefore);
    const [result] = await update.execute();
    return (result?.numUpdatedRows ?? 0n) > 0n;
  }

  exclusive(
    locationId: string,
    update: (current: GhlConnection | undefined) => Promise<GhlConnectionUpdate>,
  ): Promise<GhlConnection | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const decided = await update(await this.read(trx, locationId, true));
      if (decided && 'tokens' in decided) await this.write(trx, locationId, decided.tokens);
      if (decided && 'broken' in decided) {
        await trx
          .updateTable('ghl_oauth_connections')
          .set({
            status: 'broken',
            broken_reason: decided.broken,
            broken_at: new Date(),
            updated_at: new Date(),
          })
          .where('location_id', '=', locationId)
          .execute();
      }
      return this.read(trx, locationId, false);
    });
  }

  private async read(db: Kysely<Database>, locationId: string, lock: boolean) {
    const query = db.selectFrom('ghl_oauth_connections').selectAll().where('location_id', '=', locationId);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
    return row ? this.connection(row) : undefined;
  }

  private connection(row: Row): GhlConnection {
    const locationId = row.location_id;
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

  private async write(db: Kysely<Database>, locationId: string, tokens: GhlTokenSet): Promise<void> {
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
    await db
      .insertInto('ghl_oauth_connections')
      .values({ location_id: locationId, ...values })
      .onConflict((oc) => oc.column('location_id').doUpdateSet(values))
      .execute();
  }
}
