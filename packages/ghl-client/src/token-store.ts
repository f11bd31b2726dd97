/**
 * Where OAuth tokens live. The client only knows this interface; `InMemoryGhlTokenStore` serves tests and a single
 * process, `@df/ghl-store`'s `PgGhlTokenStore` every deployment with more than one process.
 */

export interface GhlTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  scope?: string;
  userType?: string;
  companyId?: string;
}

export interface GhlConnection {
  locationId: string;
  tokens: GhlTokenSet;
  /** Set when a refresh failed permanently (invalid_grant, location inactive): re-install needed. */
  broken?: { reason: string; at: number };
}

/** What a refresh decided: new tokens, a permanent refusal, or nothing to do (someone else refreshed). */
export type GhlConnectionUpdate = { tokens: GhlTokenSet } | { broken: string } | undefined;

export interface GhlTokenStore {
  get(locationId: string): Promise<GhlConnection | undefined>;
  /** Saves a fresh token pair; clears `broken`. */
  save(locationId: string, tokens: GhlTokenSet): Promise<void>;
  markBroken(locationId: string, reason: string): Promise<void>;
  /**
   * Runs `update` holding the location's connection exclusively — against every other refresher, in every process
   * sharing the store — and stores what it decided. GHL rotates the refresh token on every refresh, so two
   * unserialized refreshers would make the loser's `invalid_grant` mark a healthy location broken. `update` sees the
   * connection as it is once the lock is held. Returns the connection after the update.
   */
  exclusive(
    locationId: string,
    update: (current: GhlConnection | undefined) => Promise<GhlConnectionUpdate>,
  ): Promise<GhlConnection | undefined>;
}

export class InMemoryGhlTokenStore implements GhlTokenStore {
  private readonly connections = new Map<string, GhlConnection>();
  private readonly locks = new Map<string, Promise<unknown>>();

  async get(locationId: string): Promise<GhlConnection | undefined> {
    const c = this.connections.get(locationId);
    return c ? structuredClone(c) : undefined;
  }

  async save(locationId: string, tokens: GhlTokenSet): Promise<void> {
    this.connections.set(locationId, { locationId, tokens: { ...tokens } });
  }

  async markBroken(locationId: string, reason: string): Promise<void> {
    const c = this.connections.get(locationId);
    if (c) c.broken = { reason, at: Date.now() };
  }

  async exclusive(
    locationId: string,
    update: (current: GhlConnection | undefined) => Promise<GhlConnectionUpdate>,
  ): Promise<GhlConnection | undefined> {
    const previous = this.locks.get(locationId) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(async () => {
        const decided = await update(await this.get(locationId));
        if (decided && 'tokens' in decided) await this.save(locationId, decided.tokens);
        if (decided && 'broken' in decided) await this.markBroken(locationId, decided.broken);
        return this.get(locationId);
      });
    this.locks.set(locationId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(locationId) === run) this.locks.delete(locationId);
    }
  }
}
