import { type ConsumerGroup, nameUuid, replayTopic } from '@df/contracts';
import {
  type EventProducer,
  type Kafka,
  type LogRecord,
  logEnds,
  logStarts,
  type SchemaCodec,
  startLogReader,
} from '@df/kafka';
import { readValue } from './read-value.ts';

export interface ReplayFilter {
  tenant?: string | undefined;
  entityId?: string | undefined;
  types?: readonly string[] | undefined;
}

export interface SideEffectReplayRequest {
  /** Names the replay: the copies' ids derive from it, so the same run published again applies nothing twice. */
  runId: string;
  group: ConsumerGroup;
  /** The group's source topics (unprefixed); operator commands are requests, not facts, and are not replayed. */
  topics: readonly string[];
  from: Date;
  filter?: ReplayFilter;
  dryRun?: boolean;
}

export interface SideEffectEnvironment {
  kafka: Kafka;
  codec: SchemaCodec;
  producer: EventProducer;
  topicPrefix: string;
  schemaIdFor: (topic: string) => Promise<number>;
}

export interface ReplayedRecord {
  id: string;
  replayOf: string;
  type: string;
  tenant: string;
  entityId: string | null;
  occurredAt: string | null;
  topic: string;
}

export interface SideEffectReplaySummary {
  runId: string;
  group: ConsumerGroup;
  from: string;
  dryRun: boolean;
  /** Records read from T to the log's end when the replay started. */
  read: number;
  /** Records the filter selected: published as copies (or, in a dry run, what would be). */
  selected: number;
  byType: Record<string, number>;
  /** The first selected records, for the operator to check before running it for real. */
  sample: ReplayedRecord[];
  seconds: number;
}

/** A record a replay may select: an event envelope or a fact (commands carry `requestedBy` and are skipped). */
interface Replayable {
  id: string;
  type: string;
  tenant: string;
  entity?: { id: string | null };
  mappingId?: string;
  occurredAt?: string;
  requestedBy?: string;
}

function isReplayable(value: unknown): value is Replayable {
  const v = value as Replayable;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    typeof v.type === 'string' &&
    !v.requestedBy
  );
}

export function selects(filter: ReplayFilter | undefined, value: Replayable): boolean {
  if (!filter) return true;
  if (filter.tenant !== undefined && value.tenant !== filter.tenant) return false;
  const entityId = value.entity?.id ?? value.mappingId ?? null;
  if (filter.entityId !== undefined && entityId !== filter.entityId) return false;
  if (filter.types && !filter.types.includes(value.type)) return false;
  return true;
}

/** The copy's id: one per run and original event, so processed-event tables apply each copy once. */
export const replayedId = (runId: string, eventId: string) => nameUuid(`replay|${runId}|${eventId}`);

/**
 * Replay with side effects: reads the group's topics from T to their end at the start, and publishes each
 * selected record again onto the group's own replay topic, as a copy with a replay-scoped id, the same key
 * (its order per person kept) and headers naming the run and the original. Only that group's live consumer
 * reads it, with its own handlers and tools. Nothing is published in a dry run.
 */
export async function replayWithSideEffects(
  env: SideEffectEnvironment,
  request: SideEffectReplayRequest,
  onProgress?: (read: number, total: number) => void,
): Promise<SideEffectReplaySummary> {
  const started = performance.now();
  const topics = request.topics.map((t) => `${env.topicPrefix}${t}`);
  const target = `${env.topicPrefix}${replayTopic(request.group)}`;
  const starts = await logStarts(env.kafka, topics, request.from);
  const ends = await logEnds(env.kafka, topics);
  let total = 0;
  for (const [key, end] of ends) total += Math.max(0, Number(end - (starts.get(key) ?? end)));
  const summary: SideEffectReplaySummary = {
    runId: request.runId,
    group: request.group,
    from: request.from.toISOString(),
    dryRun: request.dryRun ?? false,
    read: 0,
    selected: 0,
    byType: {},
    sample: [],
    seconds: 0,
  };
  const apply = async (records: LogRecord[]) => {
    const copies: Array<{ key: string; value: unknown; headers: Record<string, string>; schemaId: number }> =
      [];
    for (const record of records) {
      summary.read += 1;
      const value = await readValue(env.codec, record);
      if (!isReplayable(value) || !selects(request.filter, value)) continue;
      const copy = { ...value, id: replayedId(request.runId, value.id) };
      summary.selected += 1;
      summary.byType[value.type] = (summary.byType[value.type] ?? 0) + 1;
      if (summary.sample.length < 20) {
        summary.sample.push({
          id: copy.id,
          replayOf: value.id,
          type: value.type,
          tenant: value.tenant,
          entityId: value.entity?.id ?? value.mappingId ?? null,
          occurredAt: value.occurredAt ?? null,
          topic: record.topic,
        });
      }
      copies.push({
        key: record.key ?? `${value.tenant}:${value.id}`,
        value: copy,
        headers: { ...record.headers, 'x-replay-run': request.runId, 'x-replay-of': value.id },
        // Encoded with the schema of the topic it came from: the copy has the original's shape.
        schemaId: await env.schemaIdFor(record.topic),
      });
    }
    onProgress?.(summary.read, total);
    if (request.dryRun) return;
    for (const schemaId of new Set(copies.map((c) => c.schemaId))) {
      await env.producer.publish(
        target,
        schemaId,
        copies.filter((c) => c.schemaId === schemaId),
      );
    }
  };
  // One partition at a time keeps the copies of one key in their original order on the replay topic.
  const reader = await startLogReader(env.kafka, {
    topics,
    starts,
    groupPrefix: `${env.topicPrefix}replay.`,
    apply,
    partitionsConcurrently: 1,
  });
  try {
    await reader.stopAt(ends);
  } finally {
    await reader.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
