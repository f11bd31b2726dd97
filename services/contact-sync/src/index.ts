export { type ConflictPolicy, mergedSnapshot, mergeFields, type Side } from './domain/merge.ts';
export { contactMappingsProjection, mappingRow } from './mappings-projection.ts';
export { contactSyncPolicyEnv, refineContactSyncPolicyEnv, toContactSyncConfig } from './policy-env.ts';
export {
  CONTACT_SYNC_GROUP,
  DEFAULT_CONTACT_SYNC_CONFIG,
  type RunningContactSync,
  startContactSync,
} from './service.ts';
export type { ContactSyncConfig } from './sync-contact.ts';
export { type ContactTools, createContactTools } from './tools.ts';
