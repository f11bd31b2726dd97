import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import { type Kysely, sql } from 'kysely';
import type { IngressMetrics } from '../metrics.ts';
import type { DurablePublisher } from './durable-publisher.ts';

// Any constant: the advisory lock that lets one drainer at a time (of all ingress instances) publish the spool.
const DRAIN_LOCK = 7_311_001;

/**
 * Moves spooled events into Kafka, oldest first, once Kafka answers again. Each batch is published and then
 * deleted in one transaction holding the drain lock, so instances never interleave and nothing is deleted
 * that Kafka did not acknowledge (a crash in between republishes the batch: at-least-once).
 */
export class SpoolDrainer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly publisher: DurablePublisher,
    private readonly metrics: IngressMetrics,
    private readonly log: Logger,
    private readonly options: { intervalMs: number; batchSize: number } = {
      intervalMs: 1000,
      batchSize: 500,
    },
  ) {}

  /**
   * Events spooled before a restart go out before any new delivery: while the spool is not empty the
   * publisher keeps spooling, so arrival order is kept.
   */
  async resumeBacklog(): Promise<void> {
    const row = await this.db
      .selectFrom('ingress_spool')
      .select((eb) => eb.fn.countAll<number>().as('depth'))
      .executeTakeFirst()
      .catch(() => undefined);
    const depth = Number(row?.depth ?? 0);
    this.metrics.spoolDepth.set(depth);
    if (depth > 0) this.publisher.spoolBacklog = true;
  }

  start(): void {
    const tick = async () => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((error) => this.log.warn('spool drain failed, will retry', { error: error as Error }));
      await this.running;
      this.timer = setTimeout(tick, this.options.intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes everything in the spool; returns how many events it moved. */
  async drain(): Promise<number> {
    let moved = 0;
    for (;;) {
      const batch = await this.drainBatch();
      if (batch === undefined) return moved; // another instance is draining
      moved += batch;
      if (batch === 0) {
        this.publisher.spoolBacklog = false;
        this.metrics.spoolDepth.set(0);
        return moved;
      }
    }
  }

  private drainBatch(): Promise<number | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${DRAIN_LOCK}) as locked`.execute(trx);
      if (!rows[0]?.locked) return undefined;
      const spooled = await trx
        .selectFrom('ingress_spool')
        .selectAll()
        .orderBy('seq')
        .limit(this.options.batchSize)
        .execute();
      if (spooled.length === 0) return 0;
      // Consecutive records of one topic go in one request; the order of the spool is kept.
      for (let start = 0; start < spooled.length; ) {
        let end = start;
        while (end < spooled.length && spooled[end]!.topic === spooled[start]!.topic) end += 1;
        const group = spooled.slice(start, end);
        await this.publisher.publish({
          topic: group[0]!.topic,
          records: group.map((r) => ({ key: r.record_key, value: r.value, headers: r.headers })),
        });
        start = end;
      }
      await trx.deleteFrom('ingress_spool').where('seq', '<=', spooled.at(-1)!.seq).execute();
      this.metrics.spoolDepth.dec(spooled.length);
      this.log.info('spool drained into kafka', { events: spooled.length });
      return spooled.length;
    });
  }
}
