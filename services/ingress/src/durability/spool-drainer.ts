import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { IngressMetrics } from '../metrics.ts';
import type { DurablePublisher } from './durable-publisher.ts';
import { oldestSpooled, removeFromSpool, type SpooledRow, spoolDepths } from './spool-store.ts';
import { unpublishableReason } from './unpublishable.ts';

// Any constant: the advisory lock that lets one drainer at a time (of all ingress instances) publish the spool.
const DRAIN_LOCK = 7_311_001;

export interface DrainSettings {
  intervalMs: number;
  batchSize: number;
  batchBytes: number;
}

type BatchResult = { moved: number; done: boolean } | undefined;

/**
 * Moves spooled events into Kafka, oldest first, once Kafka answers again.
 *
 * Invariants: a row leaves the spool only once Kafka acknowledged it or it was set aside with its reason, in
 * the same transaction (a crash in between republishes it: same event id, absorbed downstream); rows are
 * removed by their exact `seq`, so one that committed late with a lower `seq` is never deleted unpublished;
 * one drainer of all instances runs at a time (advisory lock), publishing in `seq` order; and a record Kafka
 * refuses for itself is set aside instead of blocking everything behind it.
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
    for (;;) {
      const batch = await this.drainBatch();
      if (batch === undefined) return moved; // another instance is draining
      moved += batch.moved;
      if (batch.done) return moved;
    }
  }

  async refreshDepths(): Promise<void> {
    const depths = await spoolDepths(this.db);
    this.metrics.spoolDepth.set(depths.spooled);
    this.metrics.setAsideDepth.set(depths.setAside);
  }

  private drainBatch(): Promise<BatchResult> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${DRAIN_LOCK}) as locked`.execute(trx);
      if (!rows[0]?.locked) return undefined;
      const spooled = await oldestSpooled(trx, this.settings.batchSize, this.settings.batchBytes);
      if (spooled.length === 0) return { moved: 0, done: true };
      const { removed, blocked } = await this.publishInOrder(trx, spooled);
      await removeFromSpool(trx, removed);
      this.metrics.spoolDepth.dec(removed.length);
      if (removed.length > 0) this.log.info('spool drained into kafka', { events: removed.length });
      return { moved: removed.length, done: blocked };
    });
  }

  /**
   * Publishes runs of consecutive rows of one topic as one request, in `seq` order, and stops at the first
   * failure that is Kafka's (the rest waits for the next tick). Returns the rows that may leave the spool.
   */
  private async publishInOrder(trx: Transaction<Database>, spooled: SpooledRow[]) {
    const removed: number[] = [];
    for (let start = 0; start < spooled.length; ) {
      let end = start;
      while (end < spooled.length && spooled[end]!.topic === spooled[start]!.topic) end += 1;
      const run = spooled.slice(start, end);
      try {
        await this.publisher.publish(run[0]!.topic, run);
        removed.push(...run.map((r) => r.seq));
      } catch (error) {
        if (!unpublishableReason(error)) return this.blocked(removed, error);
        // Somewhere in this run is a record Kafka will never take: one by one, to find it.
        for (const row of run) {
          try {
            await this.publisher.publish(row.topic, [row]);
          } catch (single) {
            const reason = unpublishableReason(single);
            if (!reason) return this.blocked(removed, single);
            await this.publisher.setAside(row, reason, trx);
          }
          removed.push(row.seq);
        }
      }
      start = end;
    }
    return { removed, blocked: false };
  }

  private blocked(removed: number[], error: unknown) {
    this.log.warn('kafka unavailable, the spool waits', { error: error as Error });
    return { removed, blocked: true };
  }
}
