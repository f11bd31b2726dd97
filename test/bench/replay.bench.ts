import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import { startAudit } from '@df/audit';
import { ContactData, type EventEnvelope, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import { argument, startBenchInfrastructure, until } from './harness.ts';

function contactEvent(i: number): EventEnvelope {
  const id = randomUUID();
  const phone = `+1202555${String(i % 10_000).padStart(4, '0')}`;
  return {
    id,
    type: 'contact.updated',
    source: 'ghl',
    sourceEventName: 'ContactUpdate',
    tenant: 'loc-1',
    entity: { type: 'contact', id: `ghl-${i}` },
    naturalKey: phone,
    occurredAt: new Date().toISOString(),
    receivedAt: new Date().toISOString(),
    dedupeKey: `ghl:${id}`,
    correlationId: `corr-${id}`,
    data: ContactData.parse({
      ...Object.fromEntries(Object.keys(ContactData.shape).map((field) => [field, null])),
      ghlContactId: `ghl-${i}`,
      firstName: 'Ada',
      phone,
      customFields: [],
    }),
    raw: { type: 'ContactUpdate', id: `ghl-${i}` },
  };
}

/**
 * Projection replay: `--events` (default 100,000) contact events already in the log, and a consumer group
 * that starts from offset 0 (a new group is a reset one). Times the audit projection until its ledger holds
 * every event. Publishing is not timed.
 */
export async function benchReplay() {
  const n = argument('events', 100_000);
  const { infra, db, drop } = await startBenchInfrastructure('replay');
  const producer = new EventProducer(infra.kafka, infra.codec);
  await producer.connect();
  const topic = `${infra.topicPrefix}${TOPICS.ghl}`;
  const schemaId = await infra.schemaIdFor(topic);
  const published = performance.now();
  for (let i = 0; i < n; i += 5000) {
    const chunk = Array.from({ length: Math.min(5000, n - i) }, (_, j) => contactEvent(i + j));
    await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        producer.publish(
          topic,
          schemaId,
          chunk.slice(k * 500, (k + 1) * 500).map((e) => ({ key: `${e.tenant}:${e.naturalKey}`, value: e })),
        ),
      ),
    );
  }
  const publishSeconds = (performance.now() - published) / 1000;
  await producer.disconnect();

  const started = performance.now();
  let firstRowAt: number | undefined;
  const audit = await startAudit(infra);
  const count = async () =>
    Number(
      (
        await db
          .selectFrom('webhook_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirst()
      )?.n,
    );
  // Polled gently: a count over the growing ledger every few milliseconds would compete with the projection.
  await until(
    'the ledger to hold every event',
    async () => {
      const rows = await count();
      if (rows > 0) firstRowAt ??= performance.now();
      if (rows >= n) return true;
      await pause(200);
      return false;
    },
    600_000,
  );
  const seconds = (performance.now() - started) / 1000;
  await audit.stop();
  const joinSeconds = ((firstRowAt ?? started) - started) / 1000;
  console.log(
    `replay: ${n} events from offset 0 into the audit ledger in ${seconds.toFixed(1)} s = ${Math.round(n / seconds)} events/s including consumer start and group join (${joinSeconds.toFixed(1)} s to the first row), ${Math.round(n / (seconds - joinSeconds))} events/s after it; published at ${Math.round(n / publishSeconds)} events/s (not timed)`,
  );
  await drop();
}
