import { EventEnvelope, SyncOutcome } from '@df/contracts';

/** What the audit reads: events of every source, and outcomes (which carry no `type` of their own). */
export type AuditRecord = EventEnvelope | (SyncOutcome & { type: 'sync.outcome' });

export function parseAuditRecord(value: unknown): AuditRecord {
  if (typeof value === 'object' && value !== null && 'action' in value && 'service' in value) {
    return { ...SyncOutcome.parse(value), type: 'sync.outcome' };
  }
  return EventEnvelope.parse(value);
}

/** The `sync_log` row of an outcome: a pure function of the outcome, used live and by a rebuild. */
export function syncLogRow(outcome: SyncOutcome) {
  const failed = outcome.action === 'failed';
  return {
    id: outcome.id,
    direction: outcome.direction,
    entity_type: outcome.entity.type,
    entity_id: outcome.entity.id ?? outcome.eventId,
    source_id: outcome.entity.id,
    target_id: outcome.target.id,
    status: failed ? 'error' : outcome.action,
    started_at: outcome.at,
    finished_at: outcome.at,
    error_message: outcome.reason,
    correlation_id: outcome.correlationId,
    event_id: outcome.eventId,
    service: outcome.service,
  };
}

/** The ledger row of an accepted event, before its outcomes settle its status. */
export function ledgerRow(event: EventEnvelope) {
  return {
    id: event.id,
    received_at: event.receivedAt,
    source: event.source,
    event_type: event.type,
    entity_type: event.entity.type,
    entity_id: event.entity.id,
    payload_json: JSON.stringify(event.raw ?? null),
    dedupe_key: event.dedupeKey,
    natural_key: event.naturalKey,
  };
}

/** Splits a batch of audit records into the events and the outcomes it carries, in log order. */
export function splitAuditRecords(records: AuditRecord[]): {
  events: EventEnvelope[];
  outcomes: SyncOutcome[];
} {
  const events: EventEnvelope[] = [];
  const outcomes: SyncOutcome[] = [];
  for (const record of records) {
    if (record.type === 'sync.outcome') {
      const { type: _type, ...outcome } = record;
      outcomes.push(outcome);
    } else events.push(record);
  }
  return { events, outcomes };
}
