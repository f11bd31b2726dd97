import type { Database } from '@df/db';
import type { GhlRateLimiter, RateLimitGrant } from '@df/ghl-client';
import { PgGhlRateLimiter } from '@df/ghl-store';
import type { Kysely } from 'kysely';

/**
 * The GHL budget a backfill or a reconciliation may spend: a slot of the location's shared budget (the one live
 * traffic draws from, so the location's limit holds for everyone) AND a slot of a smaller budget, `share` of the
 * location's, kept in Postgres under `<location>|backfill` so every instance's bulk work counts against it.
 * Bulk work can then never hold more than `share` of a window; live callers always find the rest.
 */
export class BudgetShareLimiter implements GhlRateLimiter {
  private readonly bulk: PgGhlRateLimiter;

  constructor(
    private readonly location: GhlRateLimiter,
    options: { db: Kysely<Database>; locationId: string; share: number },
  ) {
    const { max, intervalMs } = location.limits;
    this.bulk = new PgGhlRateLimiter({
      db: options.db,
      key: `${options.locationId}|backfill`,
      max: Math.max(1, Math.floor(max * options.share)),
      intervalMs,
    });
  }

  async acquire(options: { priority?: boolean } = {}): Promise<RateLimitGrant> {
    // The bulk slot first: waiting for it must not hold a slot of the location's budget.
    const bulk = await this.bulk.acquire(options);
    let shared: RateLimitGrant;
    try {
      shared = await this.location.acquire(options);
    } catch (error) {
      await bulk.release();
      throw error;
    }
    return {
      waitedMs: bulk.waitedMs + shared.waitedMs,
      async release(headers) {
        await Promise.all([shared.release(headers), bulk.release()]);
      },
    };
  }

  async pause(ms: number): Promise<void> {
    await this.location.pause(ms);
  }

  get limits() {
    return this.bulk.limits;
  }
  get daily() {
    return this.location.daily;
  }
  get waitedMs() {
    return this.bulk.waitedMs;
  }
  get granted() {
    return this.bulk.granted;
  }
}
