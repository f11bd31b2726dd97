import { once } from 'node:events';
import { testStack, waitFor } from '@df/test-kit';
import { describe, expect, it } from 'vitest';
import { appendToSpool, type SpoolRecord } from '../src/durability/spool-store.ts';
import { normalizeAloware } from '../src/normalizers/aloware.ts';
import { toDelivery } from '../src/routes/deliveries.ts';
import {
  aloware,
  answerOf,
  contactUpdate,
  ingressFor,
  spoolIsEmpty,
  startCrashingIngress,
  storedFor,
  testDatabase,
  UNREACHABLE_KAFKA,
} from './accept-path-harness.ts';

describe('a crash anywhere in the accept path loses nothing', () => {
  for (const crashAt of ['publishing', 'published', 'spooled'] as const) {
    it(`redelivered after a SIGKILL at "${crashAt}", the delivery ends up in Kafka as one event id`, async () => {
      const database = await testDatabase();
      const healthy = await ingressFor({}, { database });
      const crashing = await startCrashingIngress({
        crashAt,
        // "spooled" is reached only when Kafka cannot take the delivery.
        kafkaBrokers: crashAt === 'spooled' ? UNREACHABLE_KAFKA : testStack().kafkaBrokers,
        database,
        topicPrefix: healthy.config.topicPrefix,
      });
      const exited = once(crashing.child, 'exit');
      const body = JSON.stringify(contactUpdate(1));
      const request = { method: 'POST', headers: { 'content-type': 'application/json', ...aloware }, body };
      await expect(fetch(`${crashing.url}/webhooks/aloware`, request)).rejects.toThrow();
      expect(await exited).toEqual([null, 'SIGKILL']);

      // The sender saw no answer, so it delivers again (GHL retries; a person re-sends from Aloware's log).
      const again = await healthy.post('/webhooks/aloware', body, aloware);
      expect([200, 202]).toContain(again.status);
      const [event] = (await answerOf(again)).events;
      await waitFor('the spool to drain', () => spoolIsEmpty(database), { timeoutMs: 30_000 });
      const stored = await storedFor(healthy);
      expect(stored.length).toBeGreaterThan(0);
      expect(new Set(stored.map((r) => r.value.id))).toEqual(new Set([event!.id]));
    }, 60_000);
  }
});

describe('the spool', () => {
  it('withdraws a publish that timed out before it was sent: the spooled copy lands, once', async () => {
    let releaseKafka: () => void = () => {};
    const slowKafka = new Promise<void>((resolve) => {
      releaseKafka = resolve;
    });
    let first = true;
    const ingress = await ingressFor(
      { publishTimeoutMs: 300 },
      {
        onAcceptStep: (step) => {
          if (step !== 'publishing' || !first) return;
          first = false;
          return slowKafka; // the first send stalls past the timeout
        },
      },
    );
    const response = await ingress.post('/webhooks/aloware', contactUpdate(1), aloware);
    expect(response.status).toBe(202);
    const answer = await answerOf(response);
    expect(answer.durable).toBe('spool');
    releaseKafka();
    await waitFor('the spool to drain', () => spoolIsEmpty(ingress.database), { timeoutMs: 30_000 });

    // The producer sends in order: had the stalled publish gone out late, it would precede this one.
    const next = await ingress.post('/webhooks/aloware', contactUpdate(2), aloware);
    expect((await answerOf(next)).durable).toBe('kafka');
    const stored = await storedFor(ingress);
    expect(stored.map((r) => (r.value.data as { firstName?: string }).firstName)).toEqual(['Ada 1', 'Ada 2']);
    expect(stored[0]!.value.id).toBe(answer.events[0]!.id);
  });

  it('never deletes a row that committed, with a lower seq, while the drainer was publishing', async () => {
    let duringPublish: (() => Promise<void>) | undefined;
    const ingress = await ingressFor(
      {},
      { onAcceptStep: (step) => (step === 'publishing' ? duringPublish?.() : undefined) },
    );
    const { drainer } = ingress.ingress;
    await drainer.stop(); // drained by hand below, at the moments the test chooses
    const { db } = ingress.database;
    const record = (n: number): SpoolRecord => {
      const drafts = normalizeAloware(contactUpdate(n));
      const { delivery } = toDelivery('aloware', drafts, contactUpdate(n), {
        topicPrefix: ingress.config.topicPrefix,
        correlationId: `order-${n}`,
      });
      return { ...delivery.records[0]!, topic: delivery.topic, bytes: 1000 };
    };

    // Row 1 takes its seq first but stays uncommitted; row 2 commits with the next seq.
    let commitLate: () => void = () => {};
    let inserted: () => void = () => {};
    const rowOneInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const lateCommit = db.transaction().execute(async (trx) => {
      await appendToSpool(trx, [record(1)]);
      inserted();
      await new Promise<void>((resolve) => {
        commitLate = resolve;
      });
    });
    await rowOneInserted;
    await appendToSpool(db, [record(2)]);

    // Row 1 commits while the drainer publishes the batch it read (row 2 only).
    duringPublish = async () => {
      duringPublish = undefined;
      commitLate();
      await lateCommit;
    };
    expect(await drainer.drain()).toBe(2); // row 2, then row 1 in the next batch
    expect(await spoolIsEmpty(ingress.database)).toBe(true);
    const names = (await storedFor(ingress)).map((r) => (r.value.data as { firstName?: string }).firstName);
    expect(names.sort()).toEqual(['Ada 1', 'Ada 2']);
  });

  it('keeps per-key order across two instances sharing it through a Kafka outage of one', async () => {
    const database = await testDatabase();
    const cut = await ingressFor({}, { kafkaBrokers: UNREACHABLE_KAFKA, database });
    const connected = await ingressFor({ topicPrefix: cut.config.topicPrefix }, { database });

    const first = await cut.post('/webhooks/aloware', contactUpdate(1), aloware);
    expect((await answerOf(first)).durable).toBe('spool');
    // The same person's next change reaches the other instance: it must queue behind the first.
    const second = await connected.post('/webhooks/aloware', contactUpdate(2), aloware);
    expect((await answerOf(second)).durable).toBe('spool');
    // Someone else's change has nothing to wait for.
    const other = await connected.post('/webhooks/aloware', contactUpdate(3, '+12025550199'), aloware);
    expect((await answerOf(other)).durable).toBe('kafka');

    await waitFor('the spool to drain', () => spoolIsEmpty(database), { timeoutMs: 30_000 });
    const stored = await storedFor(connected);
    expect(stored.map((r) => (r.value.data as { firstName?: string }).firstName)).toEqual(['Ada 1', 'Ada 2']);
    expect(await storedFor(connected, '+12025550199')).toHaveLength(1);
  });
});
