import { Command, type ContactData, EventEnvelope, TOPICS } from '@df/contracts';
import { type HandlerMap, PermanentError, type RunningConsumer } from '@df/kafka';
import {
  type ConsumerTuning,
  defineConsumer,
  type Infrastructure,
  type ServiceMetrics,
} from '@df/service-runtime';
import { factsFromEvent } from './domain/facts.ts';
import { rebuildList } from './rebuild.ts';
import { type ListSyncConfig, type ListSyncDeps, type Observation, reconcile } from './reconcile.ts';
import { scheduleRemovalRebuilds } from './removal-rebuilds.ts';
import { scheduleRebuilds } from './scheduled-rebuild.ts';
import type { ListTools } from './tools.ts';

export const LIST_SYNC_GROUP = 'list-sync';

type ListSyncRecord = EventEnvelope | Command;

/** Commands carry `requestedBy`; everything else on our topics is an event envelope. */
function parseRecord(value: unknown): ListSyncRecord {
  if (typeof value === 'object' && value !== null && 'requestedBy' in value) return Command.parse(value);
  return EventEnvelope.parse(value);
}

/** A GHL contact event as an observation: the event carries the contact's full tag array, not a diff. */
function observationOf(event: EventEnvelope): Observation {
  const data = event.data as ContactData;
  const ghlContactId = data.ghlContactId ?? event.entity.id;
  if (!ghlContactId) throw new PermanentError('missing-id', `${event.type} without a contact id`);
  return {
    key: { tenant: event.tenant, ghlContactId },
    facts: factsFromEvent(data, event.type === 'contact.deleted'),
    at: new Date(event.occurredAt),
    fresh: false,
  };
}

export function listSyncHandlers(): HandlerMap<ListSyncRecord, ListSyncDeps> {
  const apply = async (event: EventEnvelope, deps: ListSyncDeps) => {
    // Only GHL drives lists; Aloware's own contact events (on another topic) are contact-sync's.
    if (event.source !== 'ghl') return;
    // No rule, no list to keep: the projection would only cost a write per contact event.
    if (deps.config.rules.length === 0) return;
    await reconcile(observationOf(event), event, deps, { processedId: event.id });
  };
  return {
    'contact.created': apply,
    'contact.updated': apply,
    'contact.tags_changed': apply,
    'contact.dnd_changed': apply,
    'contact.deleted': apply,
    'list.rebuild_requested': (command, deps) => rebuildList(command, deps),
  };
}

export interface RunningListSync {
  consumer: RunningConsumer;
  stop(deadlineMs?: number): Promise<void>;
}

/** list-sync: its own consumer group on GHL's contact events and the list commands. */
export async function startListSync(
  infra: Infrastructure,
  tools: ListTools,
  config: ListSyncConfig,
  options: { metrics?: ServiceMetrics; tuning?: ConsumerTuning } = {},
): Promise<RunningListSync> {
  let deps: ListSyncDeps | undefined;
  const definition = defineConsumer<ListSyncRecord, ListSyncDeps>({
    group: LIST_SYNC_GROUP,
    topics: [TOPICS.ghl, TOPICS.commands],
    parse: parseRecord,
    handlers: listSyncHandlers(),
    deps: ({ infra, report }) => {
      deps = { db: infra.db, tools, config, report };
      return deps;
    },
    // Contacts wait on Aloware and GHL: many in flight keep the rate limit, not the queue, the bound.
    maxConcurrency: 16,
  });
  const running = await definition.start(infra, options);
  const tenant = config.ghlLocationId;
  const scheduled = deps && tenant ? scheduleRebuilds(deps, tenant, config.rebuildEveryMs, infra.log) : null;
  const removals =
    deps && tenant ? scheduleRemovalRebuilds(deps, tenant, config.removalBatchMs ?? 60_000, infra.log) : null;
  return {
    consumer: running.consumer,
    async stop(deadlineMs) {
      await scheduled?.stop();
      await removals?.stop();
      await running.stop(deadlineMs);
    },
  };
}
