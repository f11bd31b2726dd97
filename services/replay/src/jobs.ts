import type { ConsumerGroup } from '@df/contracts';
import { type DeadLetterFilter, EventProducer } from '@df/kafka';
import {
  type RebuildOptions,
  type RebuildSummary,
  type ReplayFilter,
  rebuildProjection,
  replayWithSideEffects,
  type SideEffectReplaySummary,
} from '@df/replay';
import { type Infrastructure, redriveGroup } from '@df/service-runtime';
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

/** Redrives a group's dead letters the filter selects (one redrive of a group at a time: `redriveGroup`). */
export async function redrive(
  infra: Infrastructure,
  group: ConsumerGroup,
  filter: DeadLetterFilter = {},
): Promise<{ group: ConsumerGroup; redriven: number }> {
  const producer = new EventProducer(infra.kafka, infra.codec);
  await producer.connect();
  try {
    return { group, redriven: await redriveGroup(infra, producer, group, filter) };
  } finally {
    await producer.disconnect();
  }
}
