import { EventEnvelope, SyncOutcome, TOPICS } from '@df/contracts';
import type { BatchHandler } from '@df/kafka';
import {
  defineConsumer,
  type Infrastructure,
  type RunningServiceConsumer,
  type ServiceMetrics,
} from '@df/service-runtime';
import { projectBatch } from './ledger-batch.ts';

export const AUDIT_GROUP = 'audit';

/** What the audit consumer reads: events of every source, and outcomes (which carry no `type` of their own). */
export type AuditRecord = EventEnvelope | (SyncOutcome & { type: 'sync.outcome' });

function parseAuditRecord(value: unknown): AuditRecord {
  if (typeof value === 'object' && value !== null && 'action' in value && 'service' in value) {
    return { ...SyncOutcome.parse(value), type: 'sync.outcome' };
  }
  return EventEnvelope.parse(value);
}

/** A projection, so one transaction per fetched batch instead of one per record. */
export const projectAuditBatch: BatchHandler<AuditRecord, Infrastructure> = async (items, infra) => {
  const events: EventEnvelope[] = [];
  const outcomes: SyncOutcome[] = [];
  for (const { event } of items) {
    if (event.type === 'sync.outcome') {
      const { type: _type, ...outcome } = event;
      outcomes.push(outcome);
    } else events.push(event);
  }
  await projectBatch(infra.db, events, outcomes);
};

export const auditConsumer = defineConsumer<AuditRecord, Infrastructure>({
  group: AUDIT_GROUP,
  topics: [TOPICS.aloware, TOPICS.ghl, TOPICS.texting, TOPICS.outcomes],
  parse: parseAuditRecord,
  batchHandler: projectAuditBatch,
  deps: ({ infra }) => infra,
  maxConcurrency: 8,
});

/** The audit service: `webhook_events` (the ledger) and `sync_log`, projected from the log. */
export function startAudit(infra: Infrastructure, metrics?: ServiceMetrics): Promise<RunningServiceConsumer> {
  return auditConsumer.start(infra, metrics ? { metrics } : {});
}
