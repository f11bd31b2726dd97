import type { EventEnvelope, SyncOutcome } from '@df/contracts';
import type { Database } from '@df/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { ledgerStatus } from './ledger.ts';
import { ledgerRow, syncLogRow } from './projector.ts';

/**
 * A whole batch of the audit's records in one transaction: one multi-row insert of `sync_log` rows, one of
 * ledger rows, and the ledger status of the events the new outcomes answer. The rows' ids (event id, outcome
 * id) are the record of having processed them, so a redelivered batch inserts nothing and changes nothing.
 */
export async function projectBatch(
  db: Kysely<Database>,
  events: EventEnvelope[],
  outcomes: SyncOutcome[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await fenceEventsFromOutcomes(trx, events.length > 0, outcomes.length > 0);
    // Outcomes first: an event arriving in the same batch as its outcome is then inserted with its status.
    const fresh = outcomes.length
      ? await trx
          .insertInto('sync_log')
          .values(outcomes.map(syncLogRow))
          .onConflict((oc) => oc.doNothing())
          .returning(['id'])
          .execute()
      : [];
    if (events.length) await insertArrivals(trx, events);
    const freshIds = new Set(fresh.map((r) => r.id));
    await settleLedger(
      trx,
      outcomes.filter((o) => freshIds.has(o.id)),
    );
  });
}

/**
 * An event and its outcome travel on different topics, so two batches may carry them at once; neither would
 * see the other's uncommitted row and the event would stay `pending` for good. A batch of events reads
 * `sync_log` under a SHARE lock, which waits for a batch writing outcomes there (ROW EXCLUSIVE, taken by its
 * insert) and makes one wait: the second then reads what the first committed. Batches of events run together,
 * batches of outcomes too; a batch carrying both takes SHARE ROW EXCLUSIVE at once (taking SHARE, then
 * inserting, could deadlock two such batches).
 */
async function fenceEventsFromOutcomes(trx: Transaction<Database>, events: boolean, outcomes: boolean) {
  if (events && outcomes) await sql`lock table sync_log in share row exclusive mode`.execute(trx);
  else if (events) await sql`lock table sync_log in share mode`.execute(trx);
}

async function insertArrivals(trx: Transaction<Database>, events: EventEnvelope[]) {
  const known = await trx
    .selectFrom('sync_log')
    .select(['event_id', 'status', 'error_message'])
    .where(
      'event_id',
      'in',
      events.map((e) => e.id),
    )
    .orderBy('started_at')
    .execute();
  const byEvent = new Map<string, typeof known>();
  for (const k of known) {
    if (k.event_id !== null) byEvent.set(k.event_id, [...(byEvent.get(k.event_id) ?? []), k]);
  }
  await trx
    .insertInto('webhook_events')
    .values(
      events.map((event) => {
        const outcomes = byEvent.get(event.id) ?? [];
        const status = ledgerStatus(outcomes.map((o) => o.status));
        return {
          ...ledgerRow(event),
          status,
          // The latest failure's reason, as when the failures settle an event already in the ledger.
          error_message: outcomes.findLast((o) => o.status === 'error')?.error_message ?? null,
          processed_at: status === 'pending' ? null : new Date(),
        };
      }),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** `error` is sticky: a later success of another service does not hide a failure. */
async function settleLedger(trx: Transaction<Database>, outcomes: SyncOutcome[]) {
  const succeeded = [...new Set(outcomes.filter((o) => o.action !== 'failed').map((o) => o.eventId))];
  if (succeeded.length) {
    await trx
      .updateTable('webhook_events')
      .set({
        status: sql`case when status = 'error' then 'error' else 'done' end`,
        processed_at: new Date(),
      })
      .where('id', 'in', succeeded)
      .execute();
  }
  for (const failure of outcomes.filter((o) => o.action === 'failed')) {
    await trx
      .updateTable('webhook_events')
      .set({ status: 'error', error_message: failure.reason, processed_at: new Date() })
      .where('id', '=', failure.eventId)
      .execute();
  }
}
