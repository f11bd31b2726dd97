import { CONSUMER_GROUPS, type ConsumerGroup, deadLetterTopic } from '@df/contracts';
import { listDeadLetters } from '@df/kafka';
import type { ConsoleDeps, GhlBudget } from '../deps.ts';

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: string;
  end: string;
  lag: number;
}

export interface GroupHealth {
  group: ConsumerGroup;
  /** Kafka's view of the group: Stable with members while a service consumes, Empty when none runs. */
  state: string;
  members: number;
  lag: PartitionLag[];
  totalLag: number;
  deadLetters: number;
  parkedKeys: number;
  parkedRecords: number;
}

export interface ServiceHealth {
  name: string;
  url: string;
  up: boolean;
  detail: string;
}

export interface PipelineHealth {
  at: string;
  groups: GroupHealth[];
  spool: { records: number; oldest: string | null };
  setAside: { records: number; oldest: string | null };
  ghlBudgets: Array<GhlBudget & { usedToday: number; usedRatio: number }>;
  services: ServiceHealth[];
}

type Admin = ReturnType<ConsoleDeps['kafka']['admin']>;

/** Lag per topic and partition the group has committed on: the records it has not finished yet. */
async function groupLag(admin: Admin, groupId: string): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId });
  const rows: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const from = done === '-1' ? BigInt(end.low) : BigInt(done);
      const lag = BigInt(end.high) - from;
      rows.push({
        topic,
        partition: end.partition,
        committed: done,
        end: end.high,
        lag: Number(lag > 0n ? lag : 0n),
      });
    }
  }
  return rows.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

async function parkedByGroup(deps: ConsoleDeps) {
  const [keys, records] = await Promise.all([
    deps.db
      .selectFrom('consumer_parked_keys')
      .select(['group_id', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('group_id')
      .execute(),
    deps.db
      .selectFrom('consumer_parked_records')
      .select(['group_id', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('group_id')
      .execute(),
  ]);
  const count = (rows: typeof keys, group: string) => Number(rows.find((r) => r.group_id === group)?.n ?? 0);
  return (group: string) => ({ keys: count(keys, group), records: count(records, group) });
}

async function tableDepth(deps: ConsoleDeps, table: 'ingress_spool' | 'ingress_set_aside') {
  const column = table === 'ingress_spool' ? 'spooled_at' : 'set_aside_at';
  const row = await deps.db
    .selectFrom(table)
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min(column).as('oldest')])
    .executeTakeFirstOrThrow();
  const oldest = row.oldest as Date | string | null;
  return { records: Number(row.n), oldest: oldest ? new Date(oldest).toISOString() : null };
}

/** A service answers its /healthz within 2 s. */
async function probe(service: { name: string; url: string }): Promise<ServiceHealth> {
  try {
    const res = await fetch(new URL('/healthz', service.url), { signal: AbortSignal.timeout(2000) });
    return { ...service, up: res.ok, detail: `HTTP ${res.status}` };
  } catch (error) {
    return { ...service, up: false, detail: error instanceof Error ? error.name : 'unreachable' };
  }
}

/** Everything the health page shows, read now from Kafka, Postgres and the services' health endpoints. */
export async function readPipelineHealth(
  deps: ConsoleDeps,
  services: Array<{ name: string; url: string }>,
): Promise<PipelineHealth> {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const groupIds = CONSUMER_GROUPS.map((g) => `${deps.topicPrefix}${g}`);
    const [described, parked, spool, setAside, probed] = await Promise.all([
      admin.describeGroups(groupIds),
      parkedByGroup(deps),
      tableDepth(deps, 'ingress_spool'),
      tableDepth(deps, 'ingress_set_aside'),
      Promise.all(services.map(probe)),
    ]);
    const groups = await Promise.all(
      CONSUMER_GROUPS.map(async (group, i): Promise<GroupHealth> => {
        const groupId = groupIds[i]!;
        const description = described.groups.find((g) => g.groupId === groupId);
        const [lag, letters] = await Promise.all([
          groupLag(admin, groupId),
          listDeadLetters(deps.kafka, `${deps.topicPrefix}${deadLetterTopic(group)}`).catch(() => []),
        ]);
        const p = parked(groupId);
        return {
          group,
          state: description?.state ?? 'Unknown',
          members: description?.members.length ?? 0,
          lag,
          totalLag: lag.reduce((sum, row) => sum + row.lag, 0),
          deadLetters: letters.length,
          parkedKeys: p.keys,
          parkedRecords: p.records,
        };
      }),
    );
    const ghlBudgets = (deps.ghlBudgets?.() ?? []).map((b) => ({
      ...b,
      usedToday: b.limit - b.remaining,
      usedRatio: b.limit > 0 ? (b.limit - b.remaining) / b.limit : 0,
    }));
    return {
      at: (deps.now?.() ?? new Date()).toISOString(),
      groups,
      spool,
      setAside,
      ghlBudgets,
      services: probed,
    };
  } finally {
    await admin.disconnect();
  }
}
