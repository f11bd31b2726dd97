import { Command, EventEnvelope, TOPICS } from '@df/contracts';
import type { HandlerMap, RunningConsumer } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type ServiceMetrics,
} from '@df/service-runtime';
import { DEFAULT_SYNC_POLICY } from './domain/plan.ts';
import { SMS_OPT_OUT_TAG } from './domain/snapshot.ts';
import { relayMappedFacts } from './mapped-facts.ts';
import { mappedFactPublisher } from './mapped-publisher.ts';
import {
  type ContactSyncConfig,
  type ContactSyncDeps,
  changeFromEvent,
  contactDeletedInGhl,
  syncContact,
} from './sync-contact.ts';
import { syncContactNow } from './sync-now.ts';
import type { ContactTools } from './tools.ts';

export const CONTACT_SYNC_GROUP = 'contact-sync';

export const DEFAULT_CONTACT_SYNC_CONFIG: ContactSyncConfig = {
  policy: DEFAULT_SYNC_POLICY,
  onGhlDelete: 'tag',
  deletedTag: 'deleted-in-ghl',
  smsOptOutTag: SMS_OPT_OUT_TAG,
};

type ContactSyncRecord = EventEnvelope | Command;

/** Commands carry `requestedBy`; everything else on our topics is an event envelope. */
function parseRecord(value: unknown): ContactSyncRecord {
  if (typeof value === 'object' && value !== null && 'requestedBy' in value) return Command.parse(value);
  return EventEnvelope.parse(value);
}

export function contactSyncHandlers(): HandlerMap<ContactSyncRecord, ContactSyncDeps> {
  const sync = (event: EventEnvelope, deps: ContactSyncDeps) =>
    syncContact(changeFromEvent(event, deps.config), deps);
  return {
    'contact.created': sync,
    'contact.updated': sync,
    'contact.tags_changed': sync,
    'contact.dnd_changed': sync,
    'contact.deleted': (event, deps) => contactDeletedInGhl(event, deps),
    'contact.sync_requested': (command, deps) => syncContactNow(command, deps),
  };
}

export interface RunningContactSync {
  consumer: RunningConsumer;
  stop(deadlineMs?: number): Promise<void>;
}

/** contact-sync: its own consumer group on the contact events of both tools and the contact commands. */
export async function startContactSync(
  infra: Infrastructure,
  tools: ContactTools,
  config: ContactSyncConfig = DEFAULT_CONTACT_SYNC_CONFIG,
  options: { metrics?: ServiceMetrics; tuning?: ConsumerTuning } = {},
): Promise<RunningContactSync> {
  const mapped = mappedFactPublisher(infra);
  const definition = defineConsumer<ContactSyncRecord, ContactSyncDeps>({
    group: CONTACT_SYNC_GROUP,
    topics: [TOPICS.aloware, TOPICS.ghl, TOPICS.commands],
    parse: parseRecord,
    handlers: contactSyncHandlers(),
    deps: ({ infra, report }) => ({ db: infra.db, tools, config, report, publishMapped: mapped.publish }),
    // Each contact waits on GHL or Aloware: many in flight keep the rate limit, not the queue, the bound.
    maxConcurrency: 32,
  });
  // Before consuming: mapping facts a crash left unpublished, and after an upgrade every existing mapping.
  const backfilled = await relayMappedFacts(infra.db, mapped.publish, 'all').catch(async (error: unknown) => {
    await mapped.close();
    throw error;
  });
  if (backfilled > 0) infra.log.info('contact.mapped facts published at start-up', { count: backfilled });
  const running = await definition.start(infra, options);
  return {
    consumer: running.consumer,
    async stop(deadlineMs) {
      await running.stop(deadlineMs);
      await mapped.close();
    },
  };
}
