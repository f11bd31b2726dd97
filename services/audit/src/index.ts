export { AUDIT_GROUP, type AuditRecord, auditConsumer, projectAuditBatch, startAudit } from './audit.ts';
export { ledgerStatus } from './ledger.ts';
export { projectBatch } from './ledger-batch.ts';
export { auditProjection } from './projection.ts';
