import type { Database } from '@df/db';
import type { ParkedRecord, ParkingStore, StoredParkedRecord } from '@df/kafka';
import { type Kysely, sql } from 'kysely';

/**
 * The Postgres parking lot of consumer groups (`consumer_parked_keys`, `consumer_parked_records`). A key is
 * parked while it has records here; its schedule row says when any member may try it again.
 */
export class PgParkingStore implements ParkingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async parkedAmong(group: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('consumer_parked_keys')
      .select('key')
      .where('group_id', '=', group)
      .where('key', 'in', keys)
      .execute();
    return new Set(rows.map((r) => r.key));
  }

  async park(group: string, records: ParkedRecord[], retryAt: Date): Promise<void> {
    if (records.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('consumer_parked_keys')
        .values(
          [...new Set(records.map((r) => r.key))].map((key) => ({
            group_id: group,
            key,
            next_retry_at: retryAt,
            last_error: records.find((r) => r.key === key)?.error ?? null,
          })),
        )
        // An already parked key keeps its schedule: a record queueing behind it is no new failure.
        .onConflict((oc) => oc.columns(['group_id', 'key']).doNothing())
        .execute();
      await trx
        .insertInto('consumer_parked_records')
        .values(
          records.map((r) => ({
            group_id: group,
            key: r.key,
            topic: r.topic,
            partition: r.partition,
            offset: r.offset,
            value: r.value,
            headers: JSON.stringify(r.headers),
            reason: r.reason,
            error: r.error,
            attempts: r.attempts,
          })),
        )
        .onConflict((oc) => oc.columns(['group_id', 'topic', 'partition', 'offset']).doNothing())
        .execute();
    });
  }

  async claimDue(group: string, limit: number, leaseMs: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('consumer_parked_keys')
        .select('key')
        .where('group_id', '=', group)
        .where('next_retry_at', '<=', sql<Date>`now()`)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
        .orderBy('next_retry_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
      if (due.length === 0) return [];
      const keys = due.map((d) => d.key);
      await trx
        .updateTable('consumer_parked_keys')
        .set({ claimed_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where('group_id', '=', group)
        .where('key', 'in', keys)
        .execute();
      return keys;
    });
  }

  async recordsOf(group: string, key: string): Promise<StoredParkedRecord[]> {
    const rows = await this.db
      .selectFrom('consumer_parked_records')
      .selectAll()
      .where('group_id', '=', group)
      .where('key', '=', key)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      key: r.key,
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      value: r.value,
      headers: r.headers,
      reason: r.reason,
      error: r.error,
      attempts: r.attempts,
    }));
  }

  async remove(group: string, key: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('consumer_parked_records').where('id', '=', id).execute();
      // The key is free once nothing of it waits; a record parked meanwhile keeps it (and its schedule).
      await trx
        .deleteFrom('consumer_parked_keys')
        .where('group_id', '=', group)
        .where('key', '=', key)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('consumer_parked_records')
                .select('id')
                .where('group_id', '=', group)
                .where('key', '=', key),
            ),
          ),
        )
        .execute();
    });
  }

  async reschedule(
    group: string,
    key: string,
    error: string,
    delayFor: (retries: number) => number,
  ): Promise<number> {
    const row = await this.db
      .updateTable('consumer_parked_keys')
      .set((eb) => ({ retries: eb('retries', '+', 1), last_error: error }))
      .where('group_id', '=', group)
      .where('key', '=', key)
      .returning('retries')
      .executeTakeFirst();
    const delayMs = delayFor(row?.retries ?? 1);
    await this.db
      .updateTable('consumer_parked_keys')
      .set({ next_retry_at: new Date(Date.now() + delayMs), claimed_until: null })
      .where('group_id', '=', group)
      .where('key', '=', key)
      .execute();
    return delayMs;
  }

  async release(group: string, key: string): Promise<boolean> {
    const result = await this.db
      .updateTable('consumer_parked_keys')
      .set({ next_retry_at: new Date(), claimed_until: null })
      .where('group_id', '=', group)
      .where('key', '=', key)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** What an operator sees: parked keys of a group with how many records wait behind each. */
  async list(group: string) {
    return this.db
      .selectFrom('consumer_parked_keys as k')
      .leftJoin('consumer_parked_records as r', (join) =>
        join.onRef('r.group_id', '=', 'k.group_id').onRef('r.key', '=', 'k.key'),
      )
      .select(['k.key', 'k.parked_at', 'k.next_retry_at', 'k.retries', 'k.last_error'])
      .select((eb) => eb.fn.count<number>('r.id').as('records'))
      .where('k.group_id', '=', group)
      .groupBy(['k.key', 'k.parked_at', 'k.next_retry_at', 'k.retries', 'k.last_error'])
      .orderBy('k.parked_at')
      .execute();
  }
}
