export { BudgetShareLimiter } from './budget-share.ts';
export { type BulkGhlOptions, createBulkGhlClient } from './bulk-client.ts';
export { type BackfillConfig, backfillEnv, DEFAULT_BACKFILL_CONFIG, toBackfillConfig } from './config.ts';
export { ALOWARE_CSV_COLUMNS } from './domain/aloware-csv.ts';
export { BACKFILL_GROUP, type BackfillTools, type RunningBackfill, startBackfill } from './service.ts';
