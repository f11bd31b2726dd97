/** Where OAuth tokens live: in memory (tests, one process) or in Postgres, encrypted (`PgGhlTokenStore`). */

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

export interface GhlTokenStore {
  get(locationId: string): Promise<GhlConnection | undefined>;
  /** Saves a fresh token pair; clears `broken`. */
  save(locationId: string, tokens: GhlTokenSet): Promise<void>;
  markBroken(locationId: string, reason: string): Promise<void>;
}

export class InMemoryGhlTokenStore implements GhlTokenStore {
  private readonly connections = new Map<string, GhlConnection>();

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
}
