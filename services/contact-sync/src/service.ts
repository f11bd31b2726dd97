import { Command, EventEnvelope, TOPICS } from '@df/contracts';
import { type Handler, type RunningConsumer, startConsumer } from '@df/kafka';
import { type Infrastructure, OutcomeReporter, type ServiceMetrics } from '@df/service-runtime';
import { DEFAULT_POLICY } from './domain/merge.ts';
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
  policy: DEFAULT_POLICY,
  onGhlDelete: 'tag',
  deletedTag: 'deleted-in-ghl',
};

type ContactSyncRecord = EventEnvelope | Command;

/** Commands carry `requestedBy`; everything else on our topics is an event envelope. */
function parseRecord(value: unknown): ContactSyncRecord {
  if (typeof value === 'object' && value !== null && 'requestedBy' in value) return Command.parse(value);
  return EventEnvelope.parse(value);
}

export function contactSyncHandlers(): Record<string, Handler<ContactSyncRecord, ContactSyncDeps>> {
  const sync: Handler<ContactSyncRecord, ContactSyncDeps> = (event, deps) =>
    syncContact(changeFromEvent(event as EventEnvelope), deps);
  return {
    'contact.created': sync,
    'contact.updated': sync,
    'contact.tags_changed': sync,
    'contact.dnd_changed': sync,
    'contact.deleted': (event, deps) => contactDeletedInGhl(event as EventEnvelope, deps),
    'contact.sync_requested': (command, deps) =>
      syncContactNow(command as Extract<Command, { type: 'contact.sync_requested' }>, deps),
  };
}

export interface RunningContactSync {
  consumer: RunningConsumer;
  stop(): Promise<void>;
}

/** contact-sync: its own consumer group on the contact events of both tools and the contact commands. */
export async function startContactSync(
  infra: Infrastructure,
  tools: ContactTools,
  config: ContactSyncConfig = DEFAULT_CONTACT_SYNC_CONFIG,
  options: { maxConcurrency?: number; metrics?: ServiceMetrics } = {},
): Promise<RunningContactSync> {
  const p = infra.topicPrefix;
  const outcomes = new OutcomeReporter(infra, CONTACT_SYNC_GROUP);
  const consumer = await startConsumer({
    kafka: infra.kafka,
    codec: infra.codec,
    groupId: `${p}${CONTACT_SYNC_GROUP}`,
    deadLetterTopic: `${p}${CONTACT_SYNC_GROUP}.dlq`,
    topics: [TOPICS.aloware, TOPICS.ghl, TOPICS.commands].map((t) => `${p}${t}`),
    parse: parseRecord,
    handlers: contactSyncHandlers(),
    deps: {
      db: infra.db,
      tools,
      config,
      report: (cause, outcome) => outcomes.report(cause, outcome),
    } satisfies ContactSyncDeps as ContactSyncDeps,
    maxConcurrency: options.maxConcurrency ?? 16,
    observer: options.metrics?.consumer(CONTACT_SYNC_GROUP),
  });
  return {
    consumer,
    async stop() {
      await consumer.stop();
      await outcomes.close();
    },
  };
}
