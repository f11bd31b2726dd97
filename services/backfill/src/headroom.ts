import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from '@df/kafka';

/**
 * Records the consumer groups have not committed yet on a topic (the worst group): what a live webhook published
 * now would wait behind. Read from Kafka's own offsets, not from any service's tables; one admin connection
 * for the watcher's life.
 */
export function consumerLag(kafka: Kafka, groups: string[], topic: string) {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    async lag(): Promise<number> {
      connected ??= admin.connect();
      await connected;
      const ends = await admin.fetchTopicOffsets(topic);
      let worst = 0;
      for (const groupId of groups) {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        let lag = 0n;
        for (const end of ends) {
          const done = at.get(end.partition) ?? -1n;
          const from = done < 0n ? BigInt(end.low) : done;
          if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
        }
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
 * Backfill publishes a page only while the services that consume its topic are at most `maxLag` records behind:
 * snapshots then never pile up in front of live webhooks, which keep their latency (the bench measures it).
 * `maxLag` 0 turns the wait off.
 */
export async function waitForHeadroom(
  lag: () => Promise<number>,
  maxLag: number,
  signal?: AbortSignal,
  pollMs = 100,
): Promise<void> {
  if (maxLag <= 0) return;
  while (!signal?.aborted && (await lag()) > maxLag) await sleep(pollMs);
}
