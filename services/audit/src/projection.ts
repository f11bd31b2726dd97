import { TOPICS } from '@df/contracts';
import { insertRowsIgnoringDuplicates, type Projection } from '@df/replay';
import { sql } from 'kysely';
import { type AuditRecord, ledgerRow, parseAuditRecord, splitAuditRecords, syncLogRow } from './projector.ts';

/**
 * The audit's projections (`sync_log`, the `webhook_events` ledger) as a pure function of the log, for a
 * rebuild: the same row functions as the live consumer; a ledger status is settled once, set-based, from
 * every outcome in the log (an event's status depends on outcomes that may come before or after it).
 */
export const auditProjection: Projection<AuditRecord> = {
  name: 'audit',
  group: 'audit',
  topics: [TOPICS.aloware, TOPICS.ghl, TOPICS.texting, TOPICS.outcomes],
  // The live batch writes sync_log, then webhook_events: the switch locks them in that order.
  tables: [
    {
      name: 'sync_log',
      key: ['id'],
      compared: [
        'direction',
        'entity_type',
        'entity_id',
        'source_id',
        'target_id',
        'status',
        'started_at',
        'finished_at',
        'error_message',
        'correlation_id',
        'event_id',
        'service',
      ],
    },
    {
      name: 'webhook_events',
      key: ['id'],
      compared: [
        'received_at',
        'source',
        'event_type',
        'entity_type',
        'entity_id',
        'payload_json',
        'dedupe_key',
        'natural_key',
        'status',
        'error_message',
      ],
      // When the live ledger learned the status is its own clock; whether it has one is the log's.
      comparedAsPresence: ['processed_at'],
    },
  ],
  decode: (value) => parseAuditRecord(value),
  async write(db, records) {
    const { events, outcomes } = splitAuditRecords(records);
    await insertRowsIgnoringDuplicates(db, 'sync_log', outcomes.map(syncLogRow));
    await insertRowsIgnoringDuplicates(
      db,
      'webhook_events',
      events.map((e) => ({ ...ledgerRow(e), payload_json: e.raw ?? null })),
    );
  },
  async finish(db) {
    // `error` is sticky and carries the latest failure's reason, as in the live ledger.
    const settled = db
      .selectFrom('sync_log')
      .select((eb) => [
        'event_id',
        sql<boolean>`bool_or(status = 'error')`.as('failed'),
        sql<
          string | null
        >`(array_agg(error_message order by started_at desc) filter (where status = 'error'))[1]`.as(
          'reason',
        ),
        eb.fn.max('started_at').as('at'),
      ])
      .where('event_id', 'is not', null)
      .groupBy('event_id')
      .as('o');
    await db
      .updateTable('webhook_events')
      .from(settled)
      .set((eb) => ({
        status: sql<'done' | 'error'>`case when o.failed then 'error' else 'done' end`,
        error_message: eb.ref('o.reason'),
        processed_at: eb.ref('o.at'),
      }))
      .whereRef('webhook_events.id', '=', 'o.event_id')
      .execute();
  },
};
