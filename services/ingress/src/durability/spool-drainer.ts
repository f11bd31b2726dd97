import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { IngressMetrics } from '../metrics.ts';
import type { DurablePublisher } from './durable-publisher.ts';
import { oldestSpooled, removeFromSpool, type SpooledRow, spoolDepths } from './spool-store.ts';
import { isMissingTopic, unpublishableReason } from './unpublishable.ts';

// Any constant: the advisory lock that lets one drainer at a time (of all ingress instances) publish the spool.
const DRAIN_LOCK = 7_311_001;
// A topic being created is unknown for a moment; one unknown this long (deleted, renamed) is not coming back.
const MISSING_TOPIC_GRACE_MS = 10 * 60_000;

export interface DrainSettings {
  intervalMs: number;
  batchSize: number;
  batchBytes: number;
}

/**
 * Moves spooled events into Kafka, oldest first, once Kafka answers again.
 *
 * Invariants: a row leaves the spool only once Kafka acknowledged it or it was set aside with its reason, in
 * the same transaction (a crash in between republishes it: same event id, absorbed downstream); rows are
 * removed by their exact `seq`, so one that committed late with a lower `seq` is never deleted unpublished;
 * one drainer of all instances runs at a time (advisory lock), publishing in `seq` order; a record Kafka
 * refuses for itself is set aside instead of blocking everything behind it; and a topic Kafka does not take
 * holds back only its own records. Batches are capped in rows and bytes.
 */
export class SpoolDrainer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly publisher: DurablePublisher,
    private readonly metrics: IngressMetrics,
    private readonly log: Logger,
    private readonly settings: DrainSettings,
  ) {}

  start(): void {
    const tick = async () => {
      this.running = this.drain()
        .then(() => this.refreshDepths())
        .catch((error) => this.log.warn('spool drain failed, will retry', { error: error as Error }));
      await this.running;
      if (!this.stopped) this.timer = setTimeout(tick, this.settings.intervalMs);
    };
    this.stopped = false;
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes what the spool holds until it is empty or Kafka stops taking it; returns how many moved. */
  async drain(): Promise<number> {
    let moved = 0;
    // Topics Kafka refuses now: the rest of the pass skips them, so one topic never holds back another.
    const blocked = new Set<string>();
    for (;;) {
      const batch = await this.drainBatch(blocked);
      if (batch === undefined) return moved; // another instance is draining
      moved += batch.removed;
      if (batch.read === 0) return moved;
    }
  }

  async refreshDepths(): Promise<void> {
    const depths = await spoolDepths(this.db);
    this.metrics.spoolDepth.set(depths.spooled);
    this.metrics.setAsideDepth.set(depths.setAside);
    this.metrics.oldestSpooledAge.set(
      depths.oldestSpooledAt ? (Date.now() - depths.oldestSpooledAt.getTime()) / 1000 : 0,
    );
  }

  private drainBatch(blocked: Set<string>): Promise<{ read: number; removed: number } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${DRAIN_LOCK}) as locked`.execute(trx);
      if (!rows[0]?.locked) return undefined;
      const spooled = await oldestSpooled(trx, this.settings.batchSize, this.settings.batchBytes, blocked);
      const removed = await this.publishInOrder(trx, spooled, blocked);
      await removeFromSpool(trx, removed);
      this.metrics.spoolDepth.dec(removed.length);
      if (removed.length > 0) this.log.info('spool drained into kafka', { events: removed.length });
      return { read: spooled.length, removed: removed.length };
    });
  }

  /**
   * Publishes runs of consecutive rows of one topic as one request, in `seq` order. A topic Kafka does not
   * take now is skipped for the rest of the pass (order is per key, and keys live in one topic). Returns the
   * rows that may leave the spool.
   */
  private async publishInOrder(trx: Transaction<Database>, spooled: SpooledRow[], blocked: Set<string>) {
    const removed: number[] = [];
    for (let start = 0; start < spooled.length; ) {
      let end = start;
      while (end < spooled.length && spooled[end]!.topic === spooled[start]!.topic) end += 1;
      const run = spooled.slice(start, end);
      start = end;
      if (blocked.has(run[0]!.topic)) continue;
      try {
        await this.publisher.publish(run[0]!.topic, run);
        removed.push(...run.map((r) => r.seq));
        continue;
      } catch (error) {
        if (!unpublishableReason(error) && !isMissingTopic(error)) {
          this.block(blocked, run[0]!.topic, error);
          continue;
        }
      }
      // Somewhere in this run is a record Kafka refuses for itself: one by one, to find it.
      for (const row of run) {
        try {
          await this.publisher.publish(row.topic, [row]);
        } catch (error) {
          const reason = unpublishableReason(error) ?? this.lastingMissingTopic(row, error);
          if (!reason) {
            this.block(blocked, row.topic, error);
            break;
          }
          await this.publisher.setAside(row, reason, trx);
        }
        removed.push(row.seq);
      }
    }
    return removed;
  }

  /** A topic Kafka has not known for `MISSING_TOPIC_GRACE_MS` will not appear by waiting longer. */
  private lastingMissingTopic(row: SpooledRow, error: unknown): string | undefined {
    if (!isMissingTopic(error) || Date.now() - row.spooledAt.getTime() < MISSING_TOPIC_GRACE_MS)
      return undefined;
    return `topic unknown to kafka for over ${MISSING_TOPIC_GRACE_MS / 60_000} minutes`;
  }

  private block(blocked: Set<string>, topic: string, error: unknown) {
    blocked.add(topic);
    this.log.warn('kafka does not take this topic now, its spooled records wait', {
      topic,
      error: error as Error,
    });
  }
}
