import type { EventEnvelope, SyncOutcome } from '@df/contracts';
import type { Database } from '@df/db';
import { type Kysely, sql } from 'kysely';

type LedgerStatus = 'pending' | 'done' | 'error';

/**
 * An event's ledger status, from the outcomes known for it: any failure makes it `error`, any other outcome
 * `done`, none yet `pending`.
 */
export function ledgerStatus(outcomeStatuses: string[]): LedgerStatus {
  if (outcomeStatuses.includes('error')) return 'error';
  return outcomeStatuses.length > 0 ? 'done' : 'pending';
}

/** The `webhook_events` row of an arriving event. Redelivered events change nothing (id and dedupe key). */
export async function recordArrival(db: Kysely<Database>, event: EventEnvelope): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom('sync_log')
      .select(['status', 'error_message'])
      .where('event_id', '=', event.id)
      .execute();
    const status = ledgerStatus(known.map((o) => o.status));
    await trx
      .insertInto('webhook_events')
      .values({
        id: event.id,
        received_at: event.receivedAt,
        source: event.source,
        event_type: event.type,
        entity_type: event.entity.type,
        entity_id: event.entity.id,
        payload_json: JSON.stringify(event.raw ?? null),
        dedupe_key: event.dedupeKey,
        status,
        error_message: known.find((o) => o.status === 'error')?.error_message ?? null,
        processed_at: status === 'pending' ? null : new Date(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}

/** A `sync_log` row per outcome, and the ledger status of the event it answers. */
export async function recordOutcome(db: Kysely<Database>, outcome: SyncOutcome): Promise<void> {
  const status = outcome.action === 'failed' ? 'error' : 'success';
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('sync_log')
      .values({
        id: outcome.id,
        direction: outcome.direction,
        entity_type: outcome.entity.type,
        entity_id: outcome.entity.id ?? outcome.eventId,
        source_id: outcome.entity.id,
        target_id: outcome.target.id,
        status: status === 'error' ? 'error' : outcome.action,
        started_at: outcome.at,
        finished_at: outcome.at,
        error_message: outcome.reason,
        correlation_id: outcome.correlationId,
        event_id: outcome.eventId,
        service: outcome.service,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n) return; // a redelivered outcome
    // `error` is sticky: a later success of another service does not hide a failure.
    await trx
      .updateTable('webhook_events')
      .set({
        status: sql`case when status = 'error' then 'error' else ${status === 'error' ? 'error' : 'done'} end`,
        error_message: status === 'error' ? outcome.reason : sql`error_message`,
        processed_at: new Date(),
      })
      .where('id', '=', outcome.eventId)
      .execute();
  });
}
