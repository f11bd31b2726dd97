import type { AuthGate } from './auth-gate.ts';
import type { ConsumerObserver, RecordContext, RetryBudget } from './consumer-types.ts';
import type { FailureDisposition } from './errors.ts';
import type { OutsideSlot } from './key-scheduler.ts';
import { nextStep } from './retry-decision.ts';
import { sleep } from './sleep.ts';

export type AttemptResult =
  | { kind: 'done' }
  | { kind: 'dead-letter'; error: unknown }
  | { kind: 'park'; error: unknown }
  /** Stopped or rebalanced mid-way: neither done nor failed, the record must not be committed. */
  | { kind: 'abandoned' };

export interface RetryLoopContext {
  budget: RetryBudget;
  classify: (error: unknown) => FailureDisposition;
  canPark: boolean;
  pauseProbeMs: number;
  gate: AuthGate;
  observer: ConsumerObserver;
  signal: AbortSignal;
  /** Gives the concurrency slot back while waiting out a backoff. */
  outsideSlot?: OutsideSlot;
}

/**
 * The one retry loop: runs `work` (decode, parse, handle — a registry outage spends attempts like any other
 * retriable failure) until it succeeds, the budget says park or dead-letter, or the run is aborted. A failure
 * seen after an abort is not the record's fault (a pool closing under it) and is never dead-lettered.
 */
export async function runWithRetries(
  work: () => Promise<void>,
  record: RecordContext,
  ctx: RetryLoopContext,
): Promise<AttemptResult> {
  const me = Symbol(record.offset);
  const started = Date.now();
  try {
    for (;;) {
      await ctx.gate.wait(me, ctx.signal);
      if (ctx.signal.aborted) return { kind: 'abandoned' };
      try {
        await work();
        if (ctx.gate.open(me)) ctx.observer.resumed?.();
        return { kind: 'done' };
      } catch (error) {
        if (ctx.signal.aborted) return { kind: 'abandoned' };
        const retryAfterMs = (error as { retryAfterMs?: number } | null)?.retryAfterMs;
        const step = nextStep(
          {
            disposition: ctx.classify(error),
            attempt: record.attempt,
            elapsedMs: Date.now() - started,
            ...(typeof retryAfterMs === 'number' ? { retryAfterMs } : {}),
          },
          ctx.budget,
          ctx,
        );
        if (step.kind === 'dead-letter' || step.kind === 'park') return { kind: step.kind, error };
        if (step.kind === 'pause') {
          if (ctx.gate.close(me)) ctx.observer.paused?.(record, error);
        } else {
          ctx.observer.retrying?.(record, error, step.delayMs);
          record.attempt += 1;
        }
        const wait = () => sleep(step.delayMs, ctx.signal);
        await (ctx.outsideSlot ? ctx.outsideSlot(wait) : wait());
      }
    }
  } finally {
    // A probe that leaves without success hands its turn to whichever record fails with 401 next.
    ctx.gate.open(me);
  }
}
