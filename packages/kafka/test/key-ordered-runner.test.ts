import { setTimeout as delay } from 'node:timers/promises';
import {
  committedOffsets,
  DEAD_LETTER_HEADERS,
  PermanentError,
  RetriableError,
  readTopic,
  SchemaCodec,
} from '@df/kafka';
import { gate, runnerHarness, waitFor } from '@df/test-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const h = runnerHarness();
beforeAll(() => h.setup());
afterEach(() => h.stopAll());
afterAll(() => h.teardown());

const committedTo = async (groupId: string, topic: string, partition = 0) =>
  (await committedOffsets(h.kafka, groupId, topic)).get(partition);

describe('key-ordered parallel runner against the real broker', () => {
  it('runs different keys concurrently, never more than the limit, and each key in publish order', async () => {
    const where = await h.topics();
    const keys = Array.from({ length: 10 }, (_, i) => `tenant:key-${i}`);
    const records = Array.from({ length: 200 }, (_, n) => ({ key: keys[n % keys.length]!, n }));
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let maxInFlight = 0;
    await h.publish(where.topic, records);
    await h.consume(where, {
      maxConcurrency: 4,
      handlers: {
        'test.happened': async (event, _deps, record) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await delay(2); // stands for I/O, so that other keys get a turn meanwhile
          seen.set(record.key!, [...(seen.get(record.key!) ?? []), event.n]);
          inFlight -= 1;
        },
      },
    });
    await waitFor(
      'every record to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '200',
    );
    for (const key of keys) {
      const expected = records.filter((r) => r.key === key).map((r) => r.n);
      expect(seen.get(key)).toEqual(expected);
    }
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });

  it('lets other keys of the partition finish past a slow one, committing only below it', async () => {
    const where = await h.topics();
    const slow = gate();
    const handled: number[] = [];
    const commits: string[] = [];
    await h.publish(where.topic, [
      { key: 'b', n: 0 },
      { key: 'a', n: 1 },
      ...[2, 3, 4, 5].map((n) => ({ key: 'b', n })),
    ]);
    await h.consume(where, {
      observer: { committed: (_t, _p, offset) => commits.push(offset) },
      handlers: {
        'test.happened': async (event) => {
          if (event.n === 1) await slow.opened;
          handled.push(event.n);
        },
      },
    });
    await waitFor('the other key to finish', () => [0, 2, 3, 4, 5].every((n) => handled.includes(n)));
    await waitFor('the commit below the slow record', () => commits.includes('1'));
    expect(handled).not.toContain(1);
    slow.open();
    await waitFor('the commit of the whole batch', () => commits.includes('6'));
    expect(commits).toEqual(['1', '6']);
    expect(await committedTo(where.groupId, where.topic)).toBe('6');
  });

  it('keeps fetching while a slow record runs: later batches of other keys are handled meanwhile', async () => {
    const where = await h.topics();
    const slow = gate();
    const handled: string[] = [];
    let slowStarted = false;
    await h.publish(where.topic, [{ key: 'slow', n: 0 }]);
    await h.consume(where, {
      handlers: {
        'test.happened': async (event, _deps, record) => {
          if (record.key === 'slow' && event.n === 0) {
            slowStarted = true;
            await slow.opened;
          }
          handled.push(`${record.key}:${event.n}`);
        },
      },
    });
    await waitFor('the slow record to be running', () => slowStarted);
    // Published after the slow record was fetched, so they arrive in later fetches.
    for (const n of [1, 2, 3]) await h.publish(where.topic, [{ key: `other-${n}`, n }]);
    await h.publish(where.topic, [{ key: 'slow', n: 4 }]);
    await waitFor('the later records of other keys', () =>
      ['other-1:1', 'other-2:2', 'other-3:3'].every((r) => handled.includes(r)),
    );
    expect(handled).not.toContain('slow:4'); // its own key still waits behind the slow record
    slow.open();
    await waitFor(
      'everything to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '5',
    );
    expect(handled.filter((r) => r.startsWith('slow'))).toEqual(['slow:0', 'slow:4']);
  });

  it('does not let keys waiting out a backoff hold the concurrency slots', async () => {
    const where = await h.topics();
    let fixed = false;
    const handled: string[] = [];
    await h.publish(where.topic, [
      { key: 'failing-1', n: 0 },
      { key: 'failing-2', n: 1 },
      ...[2, 3, 4, 5].map((n) => ({ key: `healthy-${n}`, n })),
    ]);
    await h.consume(where, {
      maxConcurrency: 2,
      retry: { baseMs: 5000, maxMs: 5000, maxAttempts: 1000 },
      handlers: {
        'test.happened': async (event, _deps, record) => {
          if (record.key!.startsWith('failing') && !fixed) throw new RetriableError('upstream 503');
          handled.push(`${record.key}:${event.n}`);
        },
      },
    });
    // Both slots' first holders are failing keys; the healthy ones must run while those back off.
    await waitFor('the healthy keys', () => [2, 3, 4, 5].every((n) => handled.includes(`healthy-${n}:${n}`)));
    expect(handled.filter((r) => r.startsWith('failing'))).toEqual([]);
    fixed = true;
    await waitFor(
      'everything to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '6',
      {
        timeoutMs: 45_000,
      },
    );
  });

  it('dead-letters a key that spent its retry budget when nothing can park it, and other keys flow', async () => {
    const where = await h.topics();
    const handled: string[] = [];
    let attempts = 0;
    await h.publish(where.topic, [
      { key: 'bad', n: 0 },
      { key: 'good', n: 1 },
      { key: 'bad', n: 2 },
    ]);
    await h.consume(where, {
      retry: { baseMs: 5, maxMs: 20, maxAttempts: 3 },
      handlers: {
        'test.happened': async (event, _deps, record) => {
          if (event.n === 0) {
            attempts += 1;
            throw new RetriableError('upstream 503');
          }
          handled.push(`${record.key}:${event.n}`);
        },
      },
    });
    await waitFor(
      'the partition to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '3',
    );
    expect(attempts).toBe(3);
    expect(handled.sort()).toEqual(['bad:2', 'good:1']);
    const [letter, ...more] = await readTopic(h.kafka, where.dlq);
    expect(more).toHaveLength(0);
    expect(letter!.headers[DEAD_LETTER_HEADERS.offset]).toBe('0');
    expect(letter!.headers[DEAD_LETTER_HEADERS.reason]).toBe('RetriableError');
    expect(letter!.headers[DEAD_LETTER_HEADERS.attempts]).toBe('3');
  });

  it('counts a schema registry outage as attempts, so it ends in the budget like any retriable failure', async () => {
    const where = await h.topics();
    const attempts: number[] = [];
    let handled = 0;
    await h.publish(where.topic, [{ key: 'k', n: 1 }]);
    await h.consume(where, {
      codec: new SchemaCodec('http://127.0.0.1:9/apis/ccompat/v7'), // nothing listens there
      retry: { baseMs: 5, maxMs: 20, maxAttempts: 3 },
      observer: { retrying: (record) => attempts.push(record.attempt) },
      handlers: {
        'test.happened': async () => {
          handled += 1;
        },
      },
    });
    await waitFor(
      'the record to leave the partition',
      async () => (await committedTo(where.groupId, where.topic)) === '1',
    );
    expect(attempts).toEqual([1, 2]);
    expect(handled).toBe(0);
    const [letter] = await readTopic(h.kafka, where.dlq);
    expect(letter!.headers[DEAD_LETTER_HEADERS.attempts]).toBe('3');
    expect(letter!.headers[DEAD_LETTER_HEADERS.error]).toMatch(/schema registry unavailable/);
  });

  it('gives a batch handler whole batches and isolates a permanent failure record by record', async () => {
    const where = await h.topics();
    const batchSizes: number[] = [];
    const applied: number[] = [];
    await h.publish(
      where.topic,
      Array.from({ length: 50 }, (_, n) => ({ key: `k${n % 7}`, n })),
    );
    await h.consume(where, {
      batchHandler: async (items) => {
        batchSizes.push(items.length);
        if (items.some((i) => i.event.n === 13))
          throw new PermanentError('bad-row', 'row 13 violates a check');
        applied.push(...items.map((i) => i.event.n));
      },
    });
    await waitFor(
      'every record to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '50',
    );
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(applied.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, n) => n).filter((n) => n !== 13),
    );
    const letters = await readTopic(h.kafka, where.dlq);
    expect(letters.map((l) => l.headers[DEAD_LETTER_HEADERS.offset])).toEqual(['13']);
    expect(letters[0]!.headers[DEAD_LETTER_HEADERS.reason]).toBe('bad-row');
  });

  it('pauses on a 401 instead of dead-lettering, and resumes every key once credentials work', async () => {
    const where = await h.topics();
    let authorized = false;
    const handled: number[] = [];
    const events: string[] = [];
    await h.publish(
      where.topic,
      Array.from({ length: 6 }, (_, n) => ({ key: `k${n}`, n })),
    );
    await h.consume(where, {
      pauseProbeMs: 50,
      observer: { paused: () => events.push('paused'), resumed: () => events.push('resumed') },
      handlers: {
        'test.happened': async (event) => {
          if (!authorized)
            throw Object.assign(new Error('GHL upsertContact failed: unauthorized'), { status: 401 });
          handled.push(event.n);
        },
      },
    });
    await waitFor('the consumer to pause', () => events.includes('paused'));
    expect(handled).toEqual([]);
    authorized = true;
    await waitFor(
      'every record to be committed',
      async () => (await committedTo(where.groupId, where.topic)) === '6',
    );
    expect(handled.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.filter((e) => e === 'paused')).toHaveLength(1);
    expect(events).toContain('resumed');
    expect(await readTopic(h.kafka, where.dlq)).toHaveLength(0);
  });

  it('keeps its partition through a handler longer than the session timeout', async () => {
    const where = await h.topics();
    let calls = 0;
    const commits: string[] = [];
    await h.publish(where.topic, [{ key: 'k', n: 1 }]);
    await h.consume(where, {
      sessionTimeoutMs: 6000,
      observer: { committed: (_t, _p, offset) => commits.push(offset) },
      handlers: {
        'test.happened': async () => {
          calls += 1;
          await delay(9000); // a tool slower than the session timeout: heartbeats must keep flowing
        },
      },
    });
    await waitFor('the record to be committed', () => commits.includes('1'), { timeoutMs: 45_000 });
    expect(calls).toBe(1);
    expect(await committedTo(where.groupId, where.topic)).toBe('1');
  }, 60_000);

  it('commits only for partitions a member owns across a rebalance mid-retry, and applies no effect twice', async () => {
    const where = await h.topics(2);
    let fixed = false;
    const effects: string[] = [];
    const members = ['first', 'second'].map((name) => ({
      name,
      attempts: 0,
      joins: 0,
      owned: [] as number[],
      strayCommits: [] as number[],
    }));
    const optionsFor = (m: (typeof members)[number]) => ({
      retry: { baseMs: 100, maxMs: 200, maxAttempts: 1000 },
      observer: {
        assigned: (partitions: Record<string, number[]>) => {
          m.joins += 1;
          m.owned = partitions[where.topic] ?? [];
        },
        committed: (_t: string, partition: number) => {
          if (!m.owned.includes(partition)) m.strayCommits.push(partition);
        },
      },
      handlers: {
        'test.happened': async (event: { n: number }, _d: unknown, record: { key: string | null }) => {
          if (record.key === 'stuck') {
            m.attempts += 1;
            if (!fixed) throw new RetriableError('upstream 503');
          }
          effects.push(`${record.key}:${event.n}`);
        },
      },
    });
    const [first, second] = members as [(typeof members)[0], (typeof members)[0]];
    await h.publish(where.topic, [{ key: 'stuck', n: 0 }]);
    await h.consume(where, optionsFor(first));
    await waitFor('the first member to be retrying', () => first.attempts >= 2);
    await h.consume(where, optionsFor(second));
    await waitFor('the group to rebalance onto both members', () => first.joins >= 2 && second.joins >= 1, {
      timeoutMs: 45_000,
    });
    expect([...first.owned, ...second.owned].sort()).toEqual([0, 1]);
    fixed = true;
    await h.publish(where.topic, [{ key: 'other', n: 1 }]);
    await waitFor('both partitions committed to their end', async () => {
      const committed = await committedOffsets(h.kafka, where.groupId, where.topic);
      return [...committed.values()].reduce((sum, o) => sum + Math.max(0, Number(o)), 0) === 2;
    });
    expect(effects.sort()).toEqual(['other:1', 'stuck:0']);
    expect(first.strayCommits).toEqual([]);
    expect(second.strayCommits).toEqual([]);
  }, 90_000);
});
