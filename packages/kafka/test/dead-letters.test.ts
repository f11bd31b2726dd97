import { committedOffsets, listDeadLetters, PermanentError, readTopic, redriveDeadLetters } from '@df/kafka';
import { runnerHarness, waitFor } from '@df/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const h = runnerHarness();
beforeAll(() => h.setup());
afterEach(() => h.stopAll());
afterAll(() => h.teardown());

/**
 * A consumer whose handler refuses events until their number is in `fixed`, with reason `bug-<n % 2>`; counts
 * how many times each number is handled.
 */
async function failingConsumer() {
  const where = await h.topics();
  const fixed = new Set<number>();
  const handled = new Map<number, number>();
  await h.consume(where, {
    handlers: {
      'test.happened': async (event) => {
        if (!fixed.has(event.n)) throw new PermanentError(`bug-${event.n % 2}`, `cannot map ${event.n}`);
        handled.set(event.n, (handled.get(event.n) ?? 0) + 1);
      },
    },
  });
  return { ...where, fixed, handled };
}

describe('redriving dead letters', () => {
  it('redrives one letter by offset, then by reason, then the rest, each exactly once', async () => {
    const { topic, dlq, fixed, handled } = await failingConsumer();
    await h.publish(
      topic,
      [1, 2, 3, 4].map((n) => ({ key: `k${n}`, n })),
    );
    await waitFor('four dead letters', async () => (await listDeadLetters(h.kafka, dlq)).length === 4);
    const letters = await listDeadLetters(h.kafka, dlq);
    expect(letters.map((l) => [l.offset, l.reason])).toEqual([
      ['0', 'bug-1'],
      ['1', 'bug-0'],
      ['2', 'bug-1'],
      ['3', 'bug-0'],
    ]);
    for (const n of [1, 2, 3, 4]) fixed.add(n);

    // The third letter alone: the two before it stay where they are.
    expect(await redriveDeadLetters(h.kafka, h.producer, dlq, { offsets: ['2'] })).toBe(1);
    await waitFor('event 3 handled', () => handled.get(3) === 1);
    expect((await listDeadLetters(h.kafka, dlq)).map((l) => l.offset)).toEqual(['0', '1', '3']);
    expect(await redriveDeadLetters(h.kafka, h.producer, dlq, { offsets: ['2'] })).toBe(0);

    expect(await redriveDeadLetters(h.kafka, h.producer, dlq, { reason: 'bug-0' })).toBe(2);
    await waitFor('events 2 and 4 handled', () => handled.get(2) === 1 && handled.get(4) === 1);
    expect((await listDeadLetters(h.kafka, dlq)).map((l) => l.offset)).toEqual(['0']);

    expect(await redriveDeadLetters(h.kafka, h.producer, dlq, { sourceTopic: 'another.topic' })).toBe(0);
    expect(await redriveDeadLetters(h.kafka, h.producer, dlq)).toBe(1);
    await waitFor('event 1 handled', () => handled.get(1) === 1);
    expect(await listDeadLetters(h.kafka, dlq)).toEqual([]);
    // Letters 0-3, then one marker per redriven letter (4-7): nothing is left, so reads start at the end and
    // the backlog metrics watch (end - position) is zero.
    expect((await committedOffsets(h.kafka, `${dlq}.redrive`, dlq)).get(0)).toBe('8');
    expect(await redriveDeadLetters(h.kafka, h.producer, dlq)).toBe(0);
    expect([...handled.entries()].sort()).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    // What was redriven went back byte for byte, marked as redriven, without the dead-letter headers.
    const redriven = (await readTopic(h.kafka, topic)).filter((r) => r.headers['x-redriven-from'] === dlq);
    expect(redriven.map((r) => r.key).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(redriven.every((r) => !Object.keys(r.headers).some((name) => name.startsWith('dlq-')))).toBe(true);
  });

  it('lists letters that fail after a filtered redrive, and a list running during a redrive does not stop it', async () => {
    const { topic, dlq, fixed, handled } = await failingConsumer();
    await h.publish(topic, [{ key: 'a', n: 1 }]);
    await waitFor('the first letter', async () => (await listDeadLetters(h.kafka, dlq)).length === 1);
    fixed.add(1);
    await redriveDeadLetters(h.kafka, h.producer, dlq, { offsets: ['0'] });
    await h.publish(topic, [
      { key: 'b', n: 2 },
      { key: 'c', n: 3 },
    ]);
    await waitFor('two new letters', async () => (await listDeadLetters(h.kafka, dlq)).length === 2);
    const [second, third] = await listDeadLetters(h.kafka, dlq);
    expect([second?.source.offset, third?.source.offset]).toEqual(['2', '3']);

    fixed.add(2);
    fixed.add(3);
    const [count, listed] = await Promise.all([
      redriveDeadLetters(h.kafka, h.producer, dlq),
      listDeadLetters(h.kafka, dlq),
    ]);
    expect(count).toBe(2);
    expect(listed.length).toBeLessThanOrEqual(2);
    await waitFor('events 2 and 3 handled', () => handled.get(2) === 1 && handled.get(3) === 1);
    expect(await listDeadLetters(h.kafka, dlq)).toEqual([]);
    expect(handled.get(1)).toBe(1);
  });
});
