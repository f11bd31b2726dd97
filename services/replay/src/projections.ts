import { auditProjection } from '@df/audit';
import { callSyncContactsProjection } from '@df/call-sync';
import { contactMappingsProjection } from '@df/contact-sync';
import { type ConsumerGroup, TOPICS } from '@df/contracts';
import type { Projection } from '@df/replay';

/**
 * Every projection that is a pure function of the log, by name. Not here: call-sync's notes, list-sync's
 * memberships and messaging-relay's messages, which hold what the tools answered and were not published as
 * facts (rebuilding them would mean calling the tools).
 */
export const PROJECTIONS: Record<string, Projection<unknown>> = {
  audit: auditProjection,
  'contact-mappings': contactMappingsProjection,
  'call-sync-contacts': callSyncContactsProjection,
};

/**
 * A service name also names its projections: `rebuild contact-sync` rebuilds contact-mappings, `rebuild
 * call-sync` call-sync-contacts.
 */
export function projectionsNamed(name: string): Projection<unknown>[] {
  const direct = PROJECTIONS[name];
  if (direct) return [direct];
  return Object.values(PROJECTIONS).filter((p) => p.group === name);
}

/**
 * The topics a group's handlers act on, for a replay with side effects. Operator commands are requests to act
 * now, not facts, and are never replayed; audit has no side effects (rebuild it instead).
 */
export const SIDE_EFFECT_TOPICS: Partial<Record<ConsumerGroup, readonly string[]>> = {
  'contact-sync': [TOPICS.aloware, TOPICS.ghl],
  'call-sync': [TOPICS.aloware, TOPICS.contactMappings],
  'list-sync': [TOPICS.ghl],
  'messaging-relay': [TOPICS.texting, TOPICS.aloware, TOPICS.ghl],
  'ghl-app': [TOPICS.ghl],
};
