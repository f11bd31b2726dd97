import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from '@df/kafka';

/**
 * Records the worst of the consumer groups has not committed yet on the topics: what a live webhook published now
 * would wait behind (the snapshots, and the echoes of the writes they caused). Read from Kafka's own offsets, not from any service's tables; one admin connection
 * for the watcher's life.
 */
export function consumerLag(kafka: Kafka, groups: string[], topics: string[]) {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    async lag(): Promise<number> {
      connected ??= admin.connect();
      await connected;
      const ends = await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)));
      let worst = 0;
      for (const groupId of groups) {
        const committed = await admin.fetchOffsets({ groupId, topics });
        let lag = 0n;
        topics.forEach((topic, n) => {
          const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
          // No offset at all: the group does not consume this topic (list-sync and Aloware's), or has not begun.
          if (partitions.every((p) => BigInt(p.offset) < 0n)) return;
          const at = new Map(partitions.map((p) => [p.partition, BigInt(p.offset)]));
          for (const end of ends[n] ?? []) {
            const done = at.get(end.partition) ?? -1n;
            const from = done < 0n ? BigInt(end.low) : done;
            if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
          }
        });
        worst = Math.max(worst, Number(lag));
      }
      return worst;
    },
    async close(): Promise<void> {
      if (connected) await admin.disconnect();
    },
  };
}

/**
 * Backfill publishes its next batch only while the services that consume its topics are at most `maxLag` records
 * behind: snapshots then never pile up in front of live webhooks, which keep their latency (the bench measures
 * it). A negative `maxLag` turns the wait off.
 */
export async function waitForHeadroom(
  lag: () => Promise<number>,
  maxLag: number,
  signal?: AbortSignal,
  pollMs = 100,
): Promise<void> {
  if (maxLag < 0) return;
  while (!signal?.aborted && (await lag()) > maxLag) await sleep(pollMs);
}
