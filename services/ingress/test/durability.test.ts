import { TOPICS } from '@df/contracts';
import { createDb } from '@df/db';
import { createTestDatabase, waitFor } from '@df/test-kit';
import { describe, expect, it } from 'vitest';
import { ALOWARE_PASS, ALOWARE_USER, basicAuth, startTestIngress } from './ingress-harness.ts';

// Nothing listens on port 1: a Kafka that is down, for real, as far as kafkajs can tell.
const UNREACHABLE_KAFKA = ['127.0.0.1:1'];
const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };

/** Successive updates of one Aloware contact: their order is what must survive the outage. */
function contactUpdate(n: number) {
  return {
    event: 'Contact Updated',
    body: {
      id: 1550919,
      company_id: 7001,
      first_name: `Ada ${n}`,
      last_name: 'Example',
      phone_number: '+12025550142',
      updated_at: `2026-03-02 15:04:${String(n).padStart(2, '0')}`,
    },
  };
}

describe('durability while Kafka is unreachable', () => {
  it('spools accepted deliveries in Postgres and drains them into Kafka in order when it is back', async () => {
    const database = await createTestDatabase();
    const down = await startTestIngress({}, { kafkaBrokers: UNREACHABLE_KAFKA, database });
    const accepted: string[] = [];
    try {
      for (let n = 1; n <= 5; n++) {
        const response = await down.post('/webhooks/aloware', contactUpdate(n), aloware);
        expect(response.status).toBe(202);
        const answer = (await response.json()) as { durable: string; events: Array<{ id: string }> };
        expect(answer.durable).toBe('spool');
        accepted.push(...answer.events.map((e) => e.id));
      }
      const spooled = await database.db.selectFrom('ingress_spool').select('seq').execute();
      expect(spooled).toHaveLength(5);
      expect(await down.ingress.metrics.registry.getSingleMetricAsString('df_ingress_spool_depth')).toContain(
        'df_ingress_spool_depth 5',
      );
    } finally {
      await down.close();
    }

    // Kafka is reachable again (a new instance with the same spool): the backlog goes out first, in order.
    const back = await startTestIngress({ topicPrefix: down.config.topicPrefix }, { database });
    try {
      await waitFor('the spool to drain', async () => (await back.events(TOPICS.aloware)).length === 5, {
        timeoutMs: 30_000,
      });
      const stored = await back.events(TOPICS.aloware);
      expect(stored.map((r) => r.value.id)).toEqual(accepted);
      expect(stored.map((r) => (r.value.data as { firstName?: string }).firstName)).toEqual([
        'Ada 1',
        'Ada 2',
        'Ada 3',
        'Ada 4',
        'Ada 5',
      ]);
      expect(await database.db.selectFrom('ingress_spool').select('seq').execute()).toEqual([]);

      // And new deliveries are published directly again.
      const response = await back.post('/webhooks/aloware', contactUpdate(6), aloware);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { durable: string }).durable).toBe('kafka');
    } finally {
      await back.close();
      await database.drop();
    }
  });

  it('answers 503 with Retry-After when neither Kafka nor Postgres can take the event', async () => {
    const deadDb = createDb('postgres://postgres@127.0.0.1:1/nowhere', { max: 1 });
    const nothing = await startTestIngress(
      {},
      { kafkaBrokers: UNREACHABLE_KAFKA, database: { url: '', db: deadDb, drop: () => deadDb.destroy() } },
    );
    try {
      const response = await nothing.post('/webhooks/aloware', contactUpdate(1), aloware);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('30');
      expect(await response.json()).toEqual({
        error: { code: 'unavailable', message: 'the event could not be stored; retry later' },
      });
      const ready = await fetch(`${nothing.ingress.url}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await nothing.close();
      await deadDb.destroy();
    }
  });
});
