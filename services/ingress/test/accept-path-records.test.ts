import { createHash } from 'node:crypto';
import { TOPICS } from '@df/contracts';
import { createDb } from '@df/db';
import { testKafka, waitFor } from '@df/test-kit';
import { describe, expect, it } from 'vitest';
import {
  appendToSpool,
  discardSetAside,
  listSetAside,
  retrySetAside,
} from '../src/durability/spool-store.ts';
import { normalizeAloware } from '../src/normalizers/aloware.ts';
import { toDelivery } from '../src/routes/deliveries.ts';
import {
  aloware,
  answerOf,
  cleanups,
  contactUpdate,
  ingressFor,
  spoolIsEmpty,
  storedFor,
  testDatabase,
  UNREACHABLE_KAFKA,
} from './accept-path-harness.ts';

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
