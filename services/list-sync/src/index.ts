export { listSyncRulesEnv, refineListSyncEnv, toListSyncConfig } from './config.ts';
export { type ListRule, parseListRules } from './domain/rules.ts';
export type { ListSyncConfig } from './reconcile.ts';
export { LIST_SYNC_GROUP, type RunningListSync, startListSync } from './service.ts';
export { createListTools, type ListTools } from './tools.ts';
