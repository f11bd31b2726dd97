import type { CallData, EventEnvelope } from '@df/contracts';
import type { Database } from '@df/db';
import { PermanentError } from '@df/kafka';
import type { Kysely } from 'kysely';
import { type CallDetails, mergeCallDetails } from './domain/call-details.ts';

/**
 * The consumer's whole job: fold the event into the call's row and mark it dirty, in one transaction with
 * the processed-event record. No GHL call happens here; the flusher writes once the call's burst settles.
 */
export async function recordCallEvent(event: EventEnvelope, db: Kysely<Database>): Promise<void> {
  const data = event.data as CallData;
  if (!data.callId) throw new PermanentError('missing-call-id', 'call event without a call id');
  await db.transaction().execute(async (trx) => {
    const processed = await trx
      .insertInto('call_sync_processed')
      .values({ event_id: event.id })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (processed.numInsertedOrUpdatedRows === 0n) return; // redelivered

    await trx
      .insertInto('call_notes')
      .values({
        call_id: data.callId,
        tenant: event.tenant,
        details: JSON.stringify(mergeCallDetails(null, event.type, data)),
        dirty_since: new Date(),
        last_event_id: event.id,
        last_correlation_id: event.correlationId,
      })
      .onConflict((oc) => oc.column('call_id').doNothing())
      .execute();
    const row = await trx
      .selectFrom('call_notes')
      .selectAll()
      .where('call_id', '=', data.callId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.last_event_id === event.id) return; // just inserted with this event
    const details = mergeCallDetails(row.details as CallDetails, event.type, data);
    await trx
      .updateTable('call_notes')
      .set({
        details: JSON.stringify(details),
        dirty: true,
        dirty_since: row.dirty ? row.dirty_since : new Date(),
        last_event_at: new Date(),
        last_event_id: event.id,
        last_correlation_id: event.correlationId,
        flush_attempts: 0,
        next_flush_at: null,
        updated_at: new Date(),
      })
      .where('call_id', '=', data.callId)
      .execute();
  });
}
