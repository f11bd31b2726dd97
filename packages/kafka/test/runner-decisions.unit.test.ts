import { classifyFailure, DEFAULT_RETRY_BUDGET } from '@df/kafka';
import { describe, expect, it } from 'vitest';
import { OffsetTracker } from '../src/offset-tracker.ts';
import { nextStep } from '../src/retry-decision.ts';

describe('offset tracker', () => {
  it('commits only below the first record not done, and each advance once', () => {
    const tracker = new OffsetTracker();
    tracker.add(['10', '11', '12', '13'], 14n);
    tracker.markDone('11');
    tracker.markDone('12');
    expect(tracker.takeCommittable()).toBeNull(); // 10 still runs: nothing below it moved
    tracker.markDone('10');
    expect(tracker.takeCommittable()).toBe('13');
    expect(tracker.takeCommittable()).toBeNull();
    tracker.markDone('13');
    expect(tracker.takeCommittable()).toBe('14'); // past the batch's last offset, gaps (compaction) included
    tracker.add(['16', '17'], 18n); // the next batch, after a compacted gap
    tracker.markDone('17');
    expect(tracker.takeCommittable()).toBe('16'); // nothing below 16 is left: the gap was never there to do
    expect(tracker.outstanding).toBe(1);
    tracker.markDone('16');
    expect(tracker.takeCommittable()).toBe('18');
  });
});

describe('what follows a failure', () => {
  const budget = { ...DEFAULT_RETRY_BUDGET, baseMs: 100, maxMs: 1000, maxAttempts: 3, maxElapsedMs: 10_000 };
  const options = { canPark: true, pauseProbeMs: 5000, random: () => 0.5 };

  it('retries with backoff within the budget, then parks (or dead-letters where nothing can park)', () => {
    expect(nextStep({ disposition: 'retry', attempt: 1, elapsedMs: 0 }, budget, options)).toEqual({
      kind: 'retry',
      delayMs: 75,
    });
    expect(nextStep({ disposition: 'retry', attempt: 3, elapsedMs: 0 }, budget, options)).toEqual({
      kind: 'park',
    });
    expect(
      nextStep({ disposition: 'retry', attempt: 3, elapsedMs: 0 }, budget, { ...options, canPark: false }),
    ).toEqual({ kind: 'dead-letter' });
  });

  it('parks when the time budget would be spent, however few the attempts', () => {
    expect(nextStep({ disposition: 'retry', attempt: 1, elapsedMs: 9990 }, budget, options)).toEqual({
      kind: 'park',
    });
  });

  it("honours a 429's Retry-After", () => {
    expect(
      nextStep({ disposition: 'retry', attempt: 1, elapsedMs: 0, retryAfterMs: 2000 }, budget, options),
    ).toEqual({
      kind: 'retry',
      delayMs: 2000,
    });
  });

  it('dead-letters permanent failures at once and pauses on refused credentials without spending the budget', () => {
    expect(nextStep({ disposition: 'dead-letter', attempt: 1, elapsedMs: 0 }, budget, options)).toEqual({
      kind: 'dead-letter',
    });
    expect(nextStep({ disposition: 'pause', attempt: 99, elapsedMs: 1e9 }, budget, options)).toEqual({
      kind: 'pause',
      delayMs: 5000,
    });
  });

  it('classifies a tool answering 401 or 403 as a pause', () => {
    expect(
      classifyFailure(
        Object.assign(new Error('GHL failed: unauthorized'), { status: 401, retriable: false }),
      ),
    ).toBe('pause');
    expect(classifyFailure(Object.assign(new Error('Aloware failed: forbidden'), { status: 403 }))).toBe(
      'pause',
    );
  });
});
