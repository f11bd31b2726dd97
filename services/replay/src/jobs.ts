import { type ConsumerGroup, deadLetterTopic } from '@df/contracts';
import { type DeadLetterFilter, EventProducer, redriveDeadLetters } from '@df/kafka';
import {
  exclusively,
  type RebuildOptions,
  type RebuildSummary,
  type ReplayFilter,
  rebuildProjection,
  replayWithSideEffects,
  type SideEffectReplaySummary,
} from '@df/replay';
import type { Infrastructure } from '@df/service-runtime';
import { projectionsNamed, SIDE_EFFECT_TOPICS } from './projections.ts';

/** The three operator jobs, shared by the CLI (in-process) and the `commands.v1` consumer. */

export async function rebuild(
  infra: Infrastructure,
  name: string,
  options: RebuildOptions = {},
): Promise<RebuildSummary[]> {
  const projections = projectionsNamed(name);
  if (projections.length === 0) throw new Error(`no projection is rebuilt from the log for "${name}"`);
  const summaries: RebuildSummary[] = [];
  for (const projection of projections) summaries.push(await rebuildProjection(infra, projection, options));
  return summaries;
}

export async function replay(
  infra: Infrastructure,
  request: { runId: string; group: ConsumerGroup; from: Date; filter?: ReplayFilter; dryRun?: boolean },
  onProgress?: (read: number, total: number) => void,
): Promise<SideEffectReplaySummary> {
  const topics = SIDE_EFFECT_TOPICS[request.group];
  if (!topics)
    throw new Error(`${request.group} has no side effects to replay (rebuild its projections instead)`);
  const producer = new EventProducer(infra.kafka, infra.codec);
  await producer.connect();
  try {
    return await replayWithSideEffects({ ...infra, producer }, { ...request, topics }, onProgress);
  } finally {
    await producer.disconnect();
  }
}

/**
 * One redrive of a group at a time, across processes (the CLI, the command, a second replay instance): two at
 * once both read the same letters as not redriven yet and put each back twice. The second waits, then finds
 * only what is left.
 */
export function redrive(
  infra: Infrastructure,
  group: ConsumerGroup,
  filter: DeadLetterFilter = {},
): Promise<{ group: ConsumerGroup; redriven: number }> {
  return exclusively(infra.db, `redrive|${group}`, async () => {
    const producer = new EventProducer(infra.kafka, infra.codec);
    await producer.connect();
    try {
      const topic = `${infra.topicPrefix}${deadLetterTopic(group)}`;
      return { group, redriven: await redriveDeadLetters(infra.kafka, producer, topic, filter) };
    } finally {
      await producer.disconnect();
    }
  });
}
