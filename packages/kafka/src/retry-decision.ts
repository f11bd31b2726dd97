import { backoffDelay } from './backoff.ts';
import type { RetryBudget } from './consumer-types.ts';
import type { FailureDisposition } from './errors.ts';

export type NextStep =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'pause'; delayMs: number }
  | { kind: 'dead-letter' }
  | { kind: 'park' };

export interface FailureFacts {
  disposition: FailureDisposition;
  /** The attempt that just failed, from 1. */
  attempt: number;
  /** Since the first attempt of this record. */
  elapsedMs: number;
  /** What the failure asked for (a 429's Retry-After). */
  retryAfterMs?: number;
}

/**
 * What to do after a failure. Retriable failures retry while the budget lasts — attempts and time, since a
 * few slow timeouts can eat minutes — and then the key is parked (or dead-lettered where nothing can park).
 * Auth failures pause without spending the budget: the record is fine, our credentials are not.
 */
export function nextStep(
  facts: FailureFacts,
  budget: RetryBudget,
  options: { canPark: boolean; pauseProbeMs: number; random?: () => number },
): NextStep {
  if (facts.disposition === 'dead-letter') return { kind: 'dead-letter' };
  if (facts.disposition === 'pause') return { kind: 'pause', delayMs: options.pauseProbeMs };
  const delayMs = facts.retryAfterMs ?? backoffDelay(facts.attempt, budget, options.random);
  const exhausted = facts.attempt >= budget.maxAttempts || facts.elapsedMs + delayMs > budget.maxElapsedMs;
  if (exhausted) return options.canPark ? { kind: 'park' } : { kind: 'dead-letter' };
  return { kind: 'retry', delayMs };
}
