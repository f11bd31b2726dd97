export { callSyncContactsProjection } from './contacts-projection.ts';
export { type CallDetails, mergeCallDetails } from './domain/call-details.ts';
export { callTags, renderCallNote } from './domain/note.ts';
export type { FlushConfig } from './flusher.ts';
export { CALL_SYNC_GROUP, DEFAULT_FLUSH_CONFIG, type RunningCallSync, startCallSync } from './service.ts';
export { type CallTools, createCallTools } from './tools.ts';
