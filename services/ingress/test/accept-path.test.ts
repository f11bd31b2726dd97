import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TOPICS } from '@df/contracts';
import { createDb } from '@df/db';
import { createTestDatabase, type TestDatabase, testKafka, testStack, waitFor } from '@df/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcceptStep } from '../src/durability/durable-publisher.ts';
import {
  appendToSpool,
  discardSetAside,
  listSetAside,
  retrySetAside,
  type SpoolRecord,
} from '../src/durability/spool-store.ts';
import { normalizeAloware } from '../src/normalizers/aloware.ts';
import { toDelivery } from '../src/routes/deliveries.ts';
import {
  ALOWARE_PASS,
  ALOWARE_USER,
  basicAuth,
  type IngressUnderTest,
  startTestIngress,
} from './ingress-harness.ts';

// Nothing listens on port 1: a Kafka that is down, for real, as far as kafkajs can tell.
const UNREACHABLE_KAFKA = ['127.0.0.1:1'];
const aloware = { authorization: basicAuth(ALOWARE_USER, ALOWARE_PASS) };

/** An Aloware contact update with an identity of its own (`updated_at`): every copy is the same delivery. */
function contactUpdate(n: number, phone = '+12025550142') {
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

type Answer = { durable: string; events: Array<{ id: string; type: string }> };
const answerOf = async (response: Response) => (await response.json()) as Answer;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function testDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  return database;
}

async function ingressFor(...args: Parameters<typeof startTestIngress>): Promise<IngressUnderTest> {
  const ingress = await startTestIngress(...args);
  cleanups.push(() => ingress.close());
  return ingress;
}

const spoolIsEmpty = async (database: TestDatabase) =>
  (await database.db.selectFrom('ingress_spool').select('seq').execute()).length === 0;

/** The records of one phone's events on the Aloware topic, in topic order. */
async function storedFor(ingress: IngressUnderTest, phone = '+12025550142') {
  return (await ingress.events(TOPICS.aloware)).filter((r) => r.value.naturalKey === phone);
}

/** The ingress in a process of its own that SIGKILLs itself when a delivery reaches `crashAt`. */
async function startCrashingIngress(options: {
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

describe('records that can never be published', () => {
  const smsWithBody = (text: string, second = 31) => ({
    event: 'InboundSMS-DispositionCompleted',
    body: {
      id: 941089101 + second,
      company_id: 7001,
      lead_number: '+12025550142',
      direction: 1,
      type: 2,
      body: text,
      created_at: '2026-01-15 18:20:31',
      updated_at: `2026-01-15 18:20:${second}`,
    },
  });

  it('delivers an event whose raw body is too large with the body kept aside by event id', async () => {
    const ingress = await ingressFor({ maxRecordBytes: 200_000 });
    const response = await ingress.post('/webhooks/aloware', smsWithBody('a'.repeat(150_000)), aloware);
    expect(response.status).toBe(200);
    const { events } = await answerOf(response);
    const [stored] = (await ingress.events(TOPICS.aloware)).filter((r) => r.value.id === events[0]!.id);
    expect(stored!.value.raw).toMatchObject({ setAside: 'ingress_raw_bodies', eventId: events[0]!.id });
    expect((stored!.value.data as { body: string }).body).toHaveLength(150_000);
    const kept = await ingress.database.db
      .selectFrom('ingress_raw_bodies')
      .selectAll()
      .where('event_id', '=', events[0]!.id)
      .executeTakeFirstOrThrow();
    expect((JSON.parse(kept.body) as ReturnType<typeof smsWithBody>).body.body).toHaveLength(150_000);
    const pointer = stored!.value.raw as { sha256: string; bytes: number };
    expect(createHash('sha256').update(kept.body).digest('hex')).toBe(pointer.sha256);
    expect(Buffer.byteLength(kept.body)).toBe(pointer.bytes);
  });

  it('delivers an event too large even without its raw body with its long text cut, the whole of it kept', async () => {
    const ingress = await ingressFor({ maxRecordBytes: 100_000 });
    const text = `${'Transcription. '.repeat(10_000)}The end.`;
    const response = await ingress.post('/webhooks/aloware', smsWithBody(text), aloware);
    expect(response.status).toBe(200);
    const { events } = await answerOf(response);
    const [stored] = (await ingress.events(TOPICS.aloware)).filter((r) => r.value.id === events[0]!.id);
    const body = (stored!.value.data as { body: string }).body;
    expect(body.length).toBeLessThan(100_000);
    expect(text.startsWith(body.slice(0, 1000))).toBe(true);
    expect(body).toMatch(/truncated/);
    expect(stored!.value.raw).toMatchObject({ truncated: ['data.body'] });
    const kept = await ingress.database.db
      .selectFrom('ingress_raw_bodies')
      .select('body')
      .where('event_id', '=', events[0]!.id)
      .executeTakeFirstOrThrow();
    expect((JSON.parse(kept.body) as ReturnType<typeof smsWithBody>).body.body).toBe(text);
  });

  it('sets aside an event that cannot be made small enough, and later deliveries flow', async () => {
    // Even an ordinary event is over a 1,000-byte cap once its raw body is gone: nothing long to cut.
    const ingress = await ingressFor({ maxRecordBytes: 1000 });
    const response = await ingress.post('/webhooks/aloware', smsWithBody('See you Tuesday'), aloware);
    expect(response.status).toBe(202);
    expect((await answerOf(response)).durable).toBe('set_aside');
    const [row] = await ingress.database.db.selectFrom('ingress_set_aside').selectAll().execute();
    expect(row!.reason).toMatch(/^too large/);
  });

  it('sets aside a schema-invalid event (a year-10000 time) and later deliveries flow', async () => {
    const ingress = await ingressFor();
    const invalid = contactUpdate(1);
    invalid.body.updated_at = '9999-12-31T23:30:00-05:00'; // 10000-01-01 in UTC, outside the schema
    const response = await ingress.post('/webhooks/aloware', invalid, aloware);
    expect(response.status).toBe(202);
    expect((await answerOf(response)).durable).toBe('set_aside');
    const [row] = await ingress.database.db.selectFrom('ingress_set_aside').selectAll().execute();
    expect(row!.reason).toMatch(/^schema-invalid/);

    const next = await ingress.post('/webhooks/aloware', contactUpdate(2), aloware);
    expect((await answerOf(next)).durable).toBe('kafka');

    // The operator's verbs: retry puts it back in the spool (still invalid: set aside again), discard drops it.
    const { db } = ingress.database;
    const [listed] = await listSetAside(db);
    expect(listed).toMatchObject({ id: row!.id, key: '7001:+12025550142', reason: row!.reason });
    expect(await retrySetAside(db, [row!.id])).toBe(1);
    await waitFor('the drainer to set it aside again', async () => (await listSetAside(db)).length === 1);
    expect(await spoolIsEmpty(ingress.database)).toBe(true);
    expect(await discardSetAside(db, 'all')).toBe(1);
    expect(await listSetAside(db)).toEqual([]);
  });

  it('sets aside a spooled record Kafka refuses without holding back the ones after it', async () => {
    const ingress = await ingressFor();
    await ingress.ingress.drainer.stop();
    const topic = `${ingress.config.topicPrefix}${TOPICS.aloware}`;
    const drafts = normalizeAloware(contactUpdate(2));
    const { delivery } = toDelivery('aloware', drafts, contactUpdate(2), {
      topicPrefix: ingress.config.topicPrefix,
      correlationId: 'after-the-bad-one',
    });
    await appendToSpool(ingress.database.db, [
      { topic, key: '7001:+12025550142', value: { id: 'not-an-envelope' }, bytes: 100 },
      { ...delivery.records[0]!, topic, bytes: 1000 },
    ]);
    expect(await ingress.ingress.drainer.drain()).toBe(2);
    expect(await storedFor(ingress)).toHaveLength(1);
    const setAside = await ingress.database.db.selectFrom('ingress_set_aside').selectAll().execute();
    expect(setAside.map((r) => r.reason.split(':')[0])).toEqual(['schema-invalid']);
  });
});

describe('what used to lose acknowledged deliveries', () => {
  const sms = (n: number, text: string, phone = '+12025550142') => ({
    event: 'InboundSMS-DispositionCompleted',
    body: {
      id: 941_000_000 + n,
      company_id: 7001,
      lead_number: phone,
      direction: 1,
      type: 2,
      body: text,
      created_at: '2026-01-15 18:20:31',
      updated_at: `2026-01-15 18:${String(20 + Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`,
    },
  });

  it('delivers a concurrent burst of large texts next to small ones: every 2xx is in Kafka, none set aside', async () => {
    const ingress = await ingressFor();
    const large = Array.from({ length: 8 }, (_, n) => sms(n, `${n} ${'x'.repeat(400_000)}`));
    const small = Array.from({ length: 8 }, (_, n) =>
      sms(100 + n, 'See you Tuesday', `+1202555${String(1000 + n)}`),
    );
    const burst = await Promise.all(
      [...large, ...small].map((body) => ingress.post('/webhooks/aloware', body, aloware)),
    );
    const after: Response[] = [];
    for (let n = 0; n < 30; n++)
      after.push(await ingress.post('/webhooks/aloware', sms(200 + n, 'ok'), aloware));
    const answers = [...burst, ...after];
    expect(answers.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    const ids = (await Promise.all(answers.map(answerOf))).flatMap((a) => a.events.map((e) => e.id));

    await waitFor('the spool to drain', () => spoolIsEmpty(ingress.database), { timeoutMs: 60_000 });
    const stored = new Set((await ingress.events(TOPICS.aloware)).map((r) => r.value.id));
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
    expect(await ingress.database.db.selectFrom('ingress_set_aside').select('id').execute()).toEqual([]);
  }, 120_000);

  it('spools and delivers a body with a NUL character (which jsonb refuses)', async () => {
    const database = await testDatabase();
    const cut = await ingressFor({}, { kafkaBrokers: UNREACHABLE_KAFKA, database });
    const response = await cut.post('/webhooks/aloware', sms(1, 'before\u0000after'), aloware);
    expect(response.status).toBe(202);
    const [event] = (await answerOf(response)).events;
    const connected = await ingressFor({ topicPrefix: cut.config.topicPrefix }, { database });
    await waitFor('the spool to drain', () => spoolIsEmpty(database), { timeoutMs: 30_000 });
    const [stored] = (await connected.events(TOPICS.aloware)).filter((r) => r.value.id === event!.id);
    expect((stored!.value.data as { body: string }).body).toBe('before\u0000after');
  });

  it('sets aside spooled records of an undeclared topic and holds back only a topic Kafka lacks', async () => {
    const ingress = await ingressFor();
    await ingress.ingress.drainer.stop();
    const missing = `${ingress.config.topicPrefix}${TOPICS.texting}`;
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [missing] });
    await admin.disconnect();
    const { db } = ingress.database;
    const drafts = normalizeAloware(contactUpdate(1));
    const { delivery } = toDelivery('aloware', drafts, contactUpdate(1), {
      topicPrefix: ingress.config.topicPrefix,
      correlationId: 'topics',
    });
    const record = delivery.records[0]!;
    await appendToSpool(db, [
      { ...record, topic: 'renamed.aloware.events.v1', bytes: 1000 }, // no contract: never publishable
      { ...record, topic: missing, bytes: 1000 },
      { ...record, topic: delivery.topic, bytes: 1000 },
    ]);
    expect(await ingress.ingress.drainer.drain()).toBe(2);
    expect(await storedFor(ingress)).toHaveLength(1);
    const [setAside] = await listSetAside(db);
    expect(setAside).toMatchObject({ topic: 'renamed.aloware.events.v1' });
    expect(setAside!.reason).toMatch(/no contract/);
    const waiting = await db.selectFrom('ingress_spool').select('topic').execute();
    expect(waiting.map((r) => r.topic)).toEqual([missing]);
  });
});

describe('deliveries without an identity of their own', () => {
  it('publishes Aloware DNC true → false → true as three events (Aloware never redelivers)', async () => {
    const ingress = await ingressFor();
    const dnc = (isDnc: boolean) => ({
      event: 'Contact-DNC-Updated',
      body: { id: 155091901, company_id: 7001, phone_number: '+12025550142', is_dnc: isDnc },
    });
    const ids: string[] = [];
    for (const isDnc of [true, false, true]) {
      const response = await ingress.post('/webhooks/aloware', dnc(isDnc), aloware);
      expect(response.status).toBe(200);
      ids.push(...(await answerOf(response)).events.map((e) => e.id));
    }
    expect(new Set(ids).size).toBe(3);
    const stored = await storedFor(ingress);
    expect(stored.map((r) => r.value.id)).toEqual(ids);
  });
});

describe('answers', () => {
  it('answer 503 when nothing can make the delivery durable, and the next copy is taken', async () => {
    const deadDb = createDb('postgres://postgres@127.0.0.1:1/nowhere', { max: 1 });
    cleanups.push(() => deadDb.destroy());
    const nothing = await ingressFor(
      {},
      { kafkaBrokers: UNREACHABLE_KAFKA, database: { url: '', db: deadDb, drop: async () => {} } },
    );
    const healthy = await ingressFor({ topicPrefix: nothing.config.topicPrefix });
    const [refused, taken] = await Promise.all([
      nothing.post('/webhooks/aloware', contactUpdate(1), aloware),
      healthy.post('/webhooks/aloware', contactUpdate(1), aloware),
    ]);
    expect(refused.status).toBe(503);
    expect([200, 202]).toContain(taken.status);
    await waitFor('the spool to drain', () => spoolIsEmpty(healthy.database), { timeoutMs: 30_000 });
    expect(await storedFor(healthy)).toHaveLength(1);
  });
});
