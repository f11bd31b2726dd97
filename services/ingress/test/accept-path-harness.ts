// Shared by the accept-path test files: deliveries, an ingress per test (closed after it), a crashing child.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TOPICS } from '@df/contracts';
import { createTestDatabase, type TestDatabase, testStack } from '@df/test-kit';
import { afterEach } from 'vitest';
import type { AcceptStep } from '../src/durability/durable-publisher.ts';
import {
  ALOWARE_PASS,
  ALOWARE_USER,
  basicAuth,
  type IngressUnderTest,
  startTestIngress,
} from './ingress-harness.ts';

// Nothing listens on port 1: a Kafka that is down, for real, as far as kafkajs can tell.
export const UNREACHABLE_KAFKA = ['127.0.0.1:1'];
export const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };

/** An Aloware contact update with an identity of its own (`updated_at`): every copy is the same delivery. */
export function contactUpdate(n: number, phone = '+12025550142') {
  return {
    event: 'Contact Updated',
    body: {
      id: 1550919,
      company_id: 7001,
      first_name: `Ada ${n}`,
      phone_number: phone,
      updated_at: `2026-03-02 15:04:${String(n).padStart(2, '0')}`,
    },
  };
}

export type Answer = { durable: string; events: Array<{ id: string; type: string }> };
export const answerOf = async (response: Response) => (await response.json()) as Answer;

export const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export async function testDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database;
}

export async function ingressFor(...args: Parameters<typeof startTestIngress>): Promise<IngressUnderTest> {
  const ingress = await startTestIngress(...args);
  cleanups.push(() => ingress.close());
  return ingress;
}

export const spoolIsEmpty = async (database: TestDatabase) =>
  (await database.db.selectFrom('ingress_spool').select('seq').execute()).length === 0;

/** The records of one phone's events on the Aloware topic, in topic order. */
export async function storedFor(ingress: IngressUnderTest, phone = '+12025550142') {
  return (await ingress.events(TOPICS.aloware)).filter((r) => r.value.naturalKey === phone);
}

/** The ingress in a process of its own that SIGKILLs itself when a delivery reaches `crashAt`. */
export async function startCrashingIngress(options: {
  crashAt: AcceptStep;
  kafkaBrokers: string[];
  database: TestDatabase;
  topicPrefix: string;
}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures/crashing-ingress.ts')],
    {
      env: {
        ...process.env,
        CRASH_AT: options.crashAt,
        DATABASE_URL: options.database.url,
        KAFKA_BROKERS: options.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
        TOPIC_PREFIX: options.topicPrefix,
        INGRESS_PORT: '0',
        INGRESS_PUBLISH_TIMEOUT_MS: '3000',
        ALOWARE_WEBHOOK_BASIC_USER: ALOWARE_USER,
        ALOWARE_WEBHOOK_BASIC_PASS: ALOWARE_PASS,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { url: (JSON.parse(line) as { url: string }).url, child };
}
