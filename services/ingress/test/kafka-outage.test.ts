import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@df/contracts';
import { stackConfig, stackDown, stackUp } from '@df/stack';
import { testStack, waitFor } from '@df/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ALOWARE_PASS,
  ALOWARE_USER,
  basicAuth,
  type IngressUnderTest,
  startTestIngress,
} from './ingress-harness.ts';

// A Kafka of this test's own (the suite's broker keeps serving the other tests), stopped and started for real.
const stateDir = mkdtempSync(join(tmpdir(), 'df-outage-'));
const privateKafka = stackConfig({
  ...process.env,
  KAFKA_BROKERS: '127.0.0.1:29392',
  SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
  DATABASE_URL: testStack().databaseUrl,
  STACK_STATE_DIR: stateDir,
});
const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };
let ingress: IngressUnderTest | undefined;

afterAll(async () => {
  await ingress?.close();
  await stackDown(privateKafka);
  rmSync(stateDir, { recursive: true, force: true });
});

const update = (n: number) => ({
  event: 'Contact Updated',
  body: { id: 1550919, company_id: 7001, first_name: `Ada ${n}`, phone_number: '+12025550142' },
});

describe('Kafka stopped mid-test', () => {
  it('keeps acknowledging through the spool and delivers everything in order, once, when Kafka is back', async () => {
    await stackUp(privateKafka);
    ingress = await startTestIngress(
      { publishTimeoutMs: 2000 },
      { kafkaBrokers: privateKafka.kafkaBrokers, topicBrokers: privateKafka.kafkaBrokers },
    );
    const accepted: string[] = [];
    const send = async (n: number, durable: 'kafka' | 'spool') => {
      const response = await ingress!.post('/webhooks/aloware', update(n), aloware);
      const answer = (await response.json()) as { durable: string; events: Array<{ id: string }> };
      expect(answer.durable, `delivery ${n}`).toBe(durable);
      accepted.push(...answer.events.map((e) => e.id));
    };

    for (let n = 1; n <= 3; n++) await send(n, 'kafka');
    await stackDown(privateKafka);
    for (let n = 4; n <= 8; n++) await send(n, 'spool');
    await stackUp(privateKafka);
    await waitFor(
      'the spool to drain into the restarted Kafka',
      async () => {
        const spooled = await ingress!.database.db.selectFrom('ingress_spool').select('seq').execute();
        return spooled.length === 0;
      },
      { timeoutMs: 60_000 },
    );
    await send(9, 'kafka');

    const stored = await ingress.events(TOPICS.aloware);
    expect(stored.map((r) => r.value.id)).toEqual(accepted);
    expect(stored.map((r) => (r.value.data as { firstName: string }).firstName)).toEqual(
      Array.from({ length: 9 }, (_, i) => `Ada ${i + 1}`),
    );
  }, 180_000);
});
