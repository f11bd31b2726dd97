export { AUDIT_GROUP, auditHandlers, startAudit } from './audit.ts';
export { ledgerStatus, recordArrival, recordOutcome } from './ledger.ts';
