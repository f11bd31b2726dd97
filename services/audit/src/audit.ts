import { EVENT_TYPES, EventEnvelope, SyncOutcome, TOPICS } from '@df/contracts';
import { type Handler, type RunningConsumer, startConsumer } from '@df/kafka';
import type { Infrastructure, ServiceMetrics } from '@df/service-runtime';
import { recordArrival, recordOutcome } from './ledger.ts';

export const AUDIT_GROUP = 'audit';

/** What the audit consumer reads: events of every source, and outcomes (which carry no `type` of their own). */
type AuditRecord = EventEnvelope | (SyncOutcome & { type: 'sync.outcome' });

function parseAuditRecord(value: unknown): AuditRecord {
  if (typeof value === 'object' && value !== null && 'action' in value && 'service' in value) {
    return { ...SyncOutcome.parse(value), type: 'sync.outcome' };
  }
  return EventEnvelope.parse(value);
}

export function auditHandlers(): Record<string, Handler<AuditRecord, Infrastructure>> {
  const arrival: Handler<AuditRecord, Infrastructure> = (event, infra) =>
    recordArrival(infra.db, event as EventEnvelope);
  return {
    ...Object.fromEntries(EVENT_TYPES.map((type) => [type, arrival])),
    'sync.outcome': (outcome, infra) => recordOutcome(infra.db, outcome as SyncOutcome),
  };
}

/** The audit service: `webhook_events` (the ledger) and `sync_log`, projected from the log. */
export function startAudit(infra: Infrastructure, metrics?: ServiceMetrics): Promise<RunningConsumer> {
  const p = infra.topicPrefix;
  return startConsumer({
    kafka: infra.kafka,
    codec: infra.codec,
    groupId: `${p}${AUDIT_GROUP}`,
    deadLetterTopic: `${p}${AUDIT_GROUP}.dlq`,
    topics: [TOPICS.aloware, TOPICS.ghl, TOPICS.texting, TOPICS.outcomes].map((t) => `${p}${t}`),
    parse: parseAuditRecord,
    handlers: auditHandlers(),
    deps: infra,
    maxConcurrency: 4,
    observer: metrics?.consumer(AUDIT_GROUP),
  });
}
