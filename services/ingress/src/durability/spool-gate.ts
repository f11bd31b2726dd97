import type { Database } from '@df/db';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';
import { backlogId, keysWithBacklog, spoolHasRows } from './spool-store.ts';

export interface SpoolGateTiming {
  /** How often each instance probes whether the spool holds anything. */
  pollMs: number;
  /** How long a probe that found the spool empty is trusted, measured from when the probe started. */
  validityMs: number;
}

export const DEFAULT_GATE_TIMING: SpoolGateTiming = { pollMs: 50, validityMs: 150 };

/**
 * Decides whether a new record may go to Kafka directly or must queue behind records of its key that wait in
 * the spool — across every ingress instance sharing the spool, without a Postgres round trip per request in
 * the common case (spool empty).
 *
 * Invariant (per-key order across instances): if delivery D1 of key K was answered "spooled" before delivery
 * D2 of K arrived at any instance, D2 reaches Kafka after D1. How it holds:
 * - every instance probes the spool every `pollMs` and trusts an "empty" answer for `validityMs` from the
 *   moment the probe *started* (a probe sees every row committed before it started);
 * - an instance that spooled answers only `confirmDelayMs` (> validityMs) after its spool commit
 *   (see DurablePublisher), so any instance receiving D2 after that answer holds no "empty" older than the
 *   commit and looks the key up instead (batched per event-loop turn), finds D1, and spools D2 behind it;
 * - the drainer deletes a row only after Kafka acknowledged it, so "not in the spool" means "already in Kafka".
 * Deliveries of one key that are in flight at the same time have no order to keep.
 */
export class SpoolGate {
  private emptyProbeStartedAt: number | undefined;
  private lastLocalSpoolAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waiting: Array<{
    pairs: Array<{ topic: string; key: string }>;
    resolve: (backlog: boolean) => void;
  }> = [];
  private flushScheduled = false;
  readonly confirmDelayMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
    private readonly lookups: { inc(): void },
    private readonly timing: SpoolGateTiming = DEFAULT_GATE_TIMING,
  ) {
    this.confirmDelayMs = timing.validityMs + timing.pollMs;
  }

  start(): void {
    const probe = async () => {
      const started = performance.now();
      try {
        this.emptyProbeStartedAt = (await spoolHasRows(this.db)) ? undefined : started;
      } catch {
        // Unknown: the last answer simply expires and requests look their keys up.
      }
      if (this.stopped) return;
      this.timer = setTimeout(probe, this.timing.pollMs);
      this.timer.unref();
    };
    this.stopped = false;
    void probe();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** This instance just committed records to the spool: its own "empty" answers are void from now on. */
  noteSpooled(): void {
    this.lastLocalSpoolAt = performance.now();
  }

  private knownEmpty(): boolean {
    const started = this.emptyProbeStartedAt;
    return (
      started !== undefined &&
      started > this.lastLocalSpoolAt &&
      performance.now() - started < this.timing.validityMs
    );
  }

  /** True when any of these keys has records waiting in the spool (so the new ones must queue behind). */
  async hasBacklog(pairs: Array<{ topic: string; key: string }>): Promise<boolean> {
    if (this.knownEmpty()) return false;
    return new Promise((resolve) => {
      this.waiting.push({ pairs, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.lookUp());
      }
    });
  }

  /** One query for every request that asked during this turn of the event loop. */
  private async lookUp(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    this.lookups.inc();
    try {
      const backlog = await keysWithBacklog(
        this.db,
        batch.flatMap((w) => w.pairs),
      );
      for (const w of batch) w.resolve(w.pairs.some((p) => backlog.has(backlogId(p.topic, p.key))));
    } catch (error) {
      // Postgres unreachable: nothing can be spooled or drained either, so Kafka is the only way to keep the
      // delivery. Publishing directly may overtake a record spooled before the outage; consumers still refuse
      // to regress state by source time (guarantee 3).
      this.log.warn('spool backlog unknown, publishing directly', { error: error as Error });
      for (const w of batch) w.resolve(false);
    }
  }
}
