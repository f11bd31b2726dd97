import type { Database } from '@df/db';
import type { Kafka } from '@df/kafka';
import type { Kysely } from 'kysely';

/** A consumer group this process runs, as Kafka and the parking table name it (prefixed). */
export interface WatchedGroup {
  group: string;
  topics: readonly string[];
  deadLetterTopic: string;
  kafka: Kafka;
  db: Kysely<Database>;
}

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  /** Records not yet committed by the group: everything retained when it committed nothing yet. */
  lag: number;
}

export interface PipelineState {
  lag: PartitionLag[];
  /** Records in each group's dead-letter topic after the prefix a redrive has gone through. */
  deadLetterBacklog: Array<{ group: string; records: number }>;
  parked: Array<{ group: string; keys: number; records: number }>;
}

async function groupLag(admin: ReturnType<Kafka['admin']>, watched: WatchedGroup): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId: watched.group, topics: [...watched.topics] });
  const rows: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      const from = done === '-1' ? BigInt(end.low) : BigInt(done);
      const lag = BigInt(end.high) - from;
      rows.push({ group: watched.group, topic, partition: end.partition, lag: Number(lag > 0n ? lag : 0n) });
    }
  }
  return rows;
}

async function deadLetterBacklog(admin: ReturnType<Kafka['admin']>, watched: WatchedGroup) {
  const topic = watched.deadLetterTopic;
  const [ends, redriven] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    // The dead-letter CLI's redrive group: below its position every letter was put back.
    admin.fetchOffsets({ groupId: `${topic}.redrive`, topics: [topic] }),
  ]);
  let records = 0n;
  for (const end of ends) {
    const done = redriven[0]?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
    const from = done === '-1' ? BigInt(end.low) : BigInt(done);
    records += BigInt(end.high) - from;
  }
  return { group: watched.group, records: Number(records) };
}

async function parkedCounts(watched: WatchedGroup) {
  const count = (table: 'consumer_parked_keys' | 'consumer_parked_records') =>
    watched.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('group_id', '=', watched.group)
      .executeTakeFirstOrThrow();
  const [keys, records] = await Promise.all([
    count('consumer_parked_keys'),
    count('consumer_parked_records'),
  ]);
  return { group: watched.group, keys: Number(keys.n), records: Number(records.n) };
}

/** Reads lag, dead-letter backlog and parked counts of every watched group (one admin connection per Kafka). */
export async function readPipelineState(groups: readonly WatchedGroup[]): Promise<PipelineState> {
  const state: PipelineState = { lag: [], deadLetterBacklog: [], parked: [] };
  const byKafka = new Map<Kafka, WatchedGroup[]>();
  for (const g of groups) byKafka.set(g.kafka, [...(byKafka.get(g.kafka) ?? []), g]);
  for (const [kafka, watched] of byKafka) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const g of watched) {
        state.lag.push(...(await groupLag(admin, g)));
        state.deadLetterBacklog.push(await deadLetterBacklog(admin, g));
      }
    } finally {
      await admin.disconnect();
    }
  }
  state.parked = await Promise.all(groups.map(parkedCounts));
  return state;
}
