import { TOPICS } from '@df/contracts';
import type { BatchHandler } from '@df/kafka';
import {
  defineConsumer,
  type Infrastructure,
  type RunningServiceConsumer,
  type ServiceMetrics,
} from '@df/service-runtime';
import { projectBatch } from './ledger-batch.ts';
import { type AuditRecord, parseAuditRecord, splitAuditRecords } from './projector.ts';

export type { AuditRecord } from './projector.ts';

export const AUDIT_GROUP = 'audit';

/** A projection, so one transaction per fetched batch instead of one per record. */
export const projectAuditBatch: BatchHandler<AuditRecord, Infrastructure> = async (items, infra) => {
  const { events, outcomes } = splitAuditRecords(items.map((i) => i.event));
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
