import { backoffDelay, classifyFailure, PermanentError, RetriableError } from '@df/kafka';
import { describe, expect, it } from 'vitest';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 5000 };

  it('doubles per attempt, with half of each delay random', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(4, policy, () => 0)).toBe(400);
    expect(backoffDelay(4, policy, () => 1)).toBe(800);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(30, policy, () => 1)).toBe(5000);
  });
});

describe('classifyFailure', () => {
  it('follows what an error says about itself', () => {
    expect(classifyFailure(new RetriableError('503'))).toBe('retry');
    expect(classifyFailure(new PermanentError('invalid', 'bad'))).toBe('dead-letter');
    expect(classifyFailure(Object.assign(new Error('GHL 429'), { retriable: true }))).toBe('retry');
  });

  it('retries transient database and network failures', () => {
    expect(classifyFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('retry');
    expect(classifyFailure(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe('retry');
    expect(classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('retry');
  });

  it('dead-letters anything else instead of blocking the partition', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toBe('dead-letter');
    expect(classifyFailure(Object.assign(new Error('unique violation'), { code: '23505' }))).toBe(
      'dead-letter',
    );
  });
});
