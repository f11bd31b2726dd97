import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@df/db';
import { type DailyBudget, type GhlRateLimiter, type RateLimitGrant, readRateHeaders } from '@df/ghl-client';
import { type Kysely, sql } from 'kysely';

export interface PgGhlRateLimiterOptions {
  db: Kysely<Database>;
  /** The budget's name: the location id (GHL counts per location). */
  key: string;
  /** Requests per window. Default 100. */
  max?: number;
  /** Window in ms. Default 10 000. */
  intervalMs?: number;
  /**
   * How long a leased slot stays taken when its holder never frees it (a crashed process). It must outlast the
   * longest request plus a window. Default 15 s (the client's timeout) + interval + 5 s.
   */
  leaseMs?: number;
  /** Longest nap while every free-able slot is leased by requests in flight (their release wakes no one). */
  pollMs?: number;
}

interface Waiter {
  priority: boolean;
  started: number;
  resolve(grant: RateLimitGrant): void;
  reject(error: unknown): void;
}

/**
 * The location's GHL budget in Postgres (tables `ghl_rate_budgets` / `ghl_rate_slots`), one for every process: a
 * request leases one of `max` slots before it is sent and frees it one interval after its response arrived (the
 * same conservative window as `LocalGhlRateLimiter`, counted on the database's clock). Waiters of this process queue
 * FIFO here (a retry after 429 first) and lease in batches, so a call costs one round trip to lease (often shared)
 * and one to free. Nothing is dropped: a waiter waits until a slot is free.
 */
export class PgGhlRateLimiter implements GhlRateLimiter {
  daily: DailyBudget | undefined;
  waitedMs = 0;
  granted = 0;
  /** Frees that failed (the lease then expires on its own); for metrics. */
  releaseErrors = 0;
  private readonly db: Kysely<Database>;
  private readonly key: string;
  private readonly configuredMax: number;
  private readonly configuredInterval: number;
  private max: number;
  private intervalMs: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private ready: Promise<void> | undefined;

  constructor(options: PgGhlRateLimiterOptions) {
    this.db = options.db;
    this.key = options.key;
    this.configuredMax = this.max = options.max ?? 100;
    this.configuredInterval = this.intervalMs = options.intervalMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 15_000 + this.configuredInterval + 5_000;
    this.pollMs = options.pollMs ?? 100;
  }

  get limits(): { max: number; intervalMs: number } {
    return { max: this.max, intervalMs: this.intervalMs };
  }

  acquire(options: { priority?: boolean } = {}): Promise<RateLimitGrant> {
    return new Promise((resolve, reject) => {
      const waiter = { priority: options.priority === true, started: Date.now(), resolve, reject };
      const firstNormal = waiter.priority ? this.queue.findIndex((w) => !w.priority) : -1;
      this.queue.splice(firstNormal < 0 ? this.queue.length : firstNormal, 0, waiter);
      void this.pump();
    });
  }

  async pause(ms: number): Promise<void> {
    await this.ensureBudget();
    await this.db
      .updateTable('ghl_rate_budgets')
      .set({
        paused_until: sql`greatest(paused_until, clock_timestamp() + ${ms} * interval '1 millisecond')`,
        updated_at: sql`now()`,
      })
      .where('budget_key', '=', this.key)
      .execute();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      await this.ensureBudget();
      while (this.queue.length > 0) {
        const leased = await this.lease(Math.min(this.queue.length, this.max));
        for (const slot of leased.slots) this.grant(this.queue.shift() as Waiter, slot, leased.holder);
        if (this.queue.length > 0 && leased.slots.length === 0) await sleep(await this.nextChanceInMs());
      }
    } catch (error) {
      // The database is unreachable: nobody here can know the budget, so nobody goes (the caller retries later).
      for (const waiter of this.queue.splice(0)) waiter.reject(error);
    } finally {
      this.pumping = false;
    }
  }

  private grant(waiter: Waiter, slot: number, holder: string): void {
    const waited = Date.now() - waiter.started;
    this.waitedMs += waited;
    this.granted += 1;
    let released = false;
    waiter.resolve({
      waitedMs: waited,
      release: async (headers) => {
        if (released) return;
        released = true;
        await this.release(slot, holder, headers);
      },
    });
  }

  private ensureBudget(): Promise<void> {
    this.ready ??= (async () => {
      await this.db
        .insertInto('ghl_rate_budgets')
        .values({
          budget_key: this.key,
          max_requests: this.configuredMax,
          interval_ms: this.configuredInterval,
        })
        .onConflict((oc) => oc.column('budget_key').doNothing())
        .execute();
      const slots = Array.from({ length: this.configuredMax }, (_, slot) => ({ budget_key: this.key, slot }));
      await this.db
        .insertInto('ghl_rate_slots')
        .values(slots)
        .onConflict((oc) => oc.columns(['budget_key', 'slot']).doNothing())
        .execute();
    })().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** Leases up to `count` free slots in one statement; other processes' locked rows are skipped, not awaited. */
  private async lease(count: number): Promise<{ slots: number[]; holder: string }> {
    const holder = randomUUID();
    const budget = this.db.selectFrom('ghl_rate_budgets').where('budget_key', '=', this.key);
    const free = this.db
      .selectFrom('ghl_rate_slots')
      .select('slot')
      .where('budget_key', '=', this.key)
      .where('slot', '<', budget.select('max_requests'))
      .where('free_at', '<=', sql<Date>`clock_timestamp()`)
      .where(sql<Date>`clock_timestamp()`, '>=', budget.select('paused_until'))
      .orderBy('free_at')
      .limit(count)
      .forUpdate()
      .skipLocked();
    const rows = await this.db
      .updateTable('ghl_rate_slots')
      .set({ free_at: sql`clock_timestamp() + ${this.leaseMs} * interval '1 millisecond'`, holder })
      .where('budget_key', '=', this.key)
      .where('slot', 'in', free)
      .returning('slot')
      .execute();
    return { slots: rows.map((r) => r.slot), holder };
  }

  /** How long until a slot may be free: the pause's end, the first cooling slot, or a poll while all are leased. */
  private async nextChanceInMs(): Promise<number> {
    const { rows } = await sql<{ paused_ms: number; cool_ms: number | null; leased: boolean }>`
      select extract(epoch from (greatest(b.paused_until, clock_timestamp()) - clock_timestamp())) * 1000 as paused_ms,
        (select extract(epoch from (greatest(min(s.free_at), clock_timestamp()) - clock_timestamp())) * 1000
          from ghl_rate_slots s
          where s.budget_key = b.budget_key and s.slot < b.max_requests and s.holder is null) as cool_ms,
        exists(select 1 from ghl_rate_slots s
          where s.budget_key = b.budget_key and s.slot < b.max_requests and s.holder is not null) as leased
      from ghl_rate_budgets b where b.budget_key = ${this.key}`.execute(this.db);
    const row = rows[0];
    if (!row) return this.pollMs;
    const cool = row.cool_ms === null ? Number.POSITIVE_INFINITY : Number(row.cool_ms);
    const next = Math.min(cool, row.leased ? this.pollMs : Number.POSITIVE_INFINITY);
    const wait = Math.max(Number(row.paused_ms), Number.isFinite(next) ? next : this.pollMs);
    return Math.max(1, Math.ceil(wait));
  }

  private async release(slot: number, holder: string, headers?: Headers): Promise<void> {
    const seen = headers ? readRateHeaders(headers) : {};
    if (seen.intervalMs !== undefined) this.intervalMs = Math.max(this.configuredInterval, seen.intervalMs);
    if (seen.daily) this.daily = seen.daily;
    try {
      await this.db
        .updateTable('ghl_rate_slots')
        .set({
          free_at: sql`clock_timestamp() + ${this.intervalMs} * interval '1 millisecond'`,
          holder: null,
        })
        .where('budget_key', '=', this.key)
        .where('slot', '=', slot)
        .where('holder', '=', holder)
        .execute();
      // GHL advertises a lower limit than configured: the whole budget adopts it.
      if (seen.max !== undefined && Math.min(this.configuredMax, seen.max) !== this.max) {
        this.max = Math.min(this.configuredMax, seen.max);
        await this.db
          .updateTable('ghl_rate_budgets')
          .set({ max_requests: this.max, updated_at: sql`now()` })
          .where('budget_key', '=', this.key)
          .execute();
      }
      // The budget is used up (by an app or integration we do not see): wait a window rather than earn a 429.
      if (seen.remaining === 0 || seen.daily?.remaining === 0) await this.pause(this.intervalMs);
    } catch {
      // The response already arrived; failing the call now would make a caller repeat a write. The lease expires.
      this.releaseErrors += 1;
    }
  }
}
