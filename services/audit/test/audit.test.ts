import { randomUUID } from 'node:crypto';
import { ContactData, type EventEnvelope, TOPICS } from '@df/contracts';
import { EventProducer } from '@df/kafka';
import {
  connectInfrastructure,
  type Infrastructure,
  OutcomeReporter,
  provisionEventBus,
  type RunningServiceConsumer,
} from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { createTestDatabase, type TestDatabase, testStack, uniqueName, waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAudit } from '../src/audit.ts';
import { projectBatch } from '../src/ledger-batch.ts';

let database: TestDatabase;
let infra: Infrastructure;
let audit: RunningServiceConsumer;
let producer: EventProducer;
let outcomes: OutcomeReporter;

beforeAll(async () => {
  database = await createTestDatabase();
  infra = connectInfrastructure({
    kafkaBrokers: testStack().kafkaBrokers,
    schemaRegistryUrl: testStack().schemaRegistryUrl,
    db: database.db,
    topicPrefix: `${uniqueName('audit')}.`,
    clientId: 'audit-test',
    log: createLogger({ service: 'audit-test' }, { level: 'error' }),
  });
  await provisionEventBus(infra, 2);
  producer = new EventProducer(infra.kafka, infra.codec);
  await producer.connect();
  outcomes = new OutcomeReporter(infra, 'contact-sync');
  audit = await startAudit(infra);
});
afterAll(async () => {
  await audit.stop();
  await outcomes.close();
  await producer.disconnect();
  await database.drop();
});

function contactEvent(): EventEnvelope {
  const id = randomUUID();
  return {
    id,
    type: 'contact.updated',
    source: 'ghl',
    sourceEventName: 'ContactUpdate',
    tenant: 'loc-1',
    entity: { type: 'contact', id: 'ghl-1' },
    naturalKey: '+12025550142',
    occurredAt: '2026-03-02T15:04:05.000Z',
    receivedAt: new Date().toISOString(),
    dedupeKey: `ghl:${id}`,
    correlationId: `corr-${id}`,
    data: ContactData.parse({
      ...Object.fromEntries(Object.keys(ContactData.shape).map((field) => [field, null])),
      ghlContactId: 'ghl-1',
      firstName: 'Ada',
      phone: '+12025550142',
      customFields: [],
    }),
    raw: { type: 'ContactUpdate', id: 'ghl-1' },
  };
}

async function publishEvent(event: EventEnvelope) {
  const topic = `${infra.topicPrefix}${TOPICS.ghl}`;
  await producer.publish(topic, await infra.schemaIdFor(topic), [
    { key: `${event.tenant}:${event.naturalKey}`, value: event },
  ]);
}

const ledgerRow = (id: string) =>
  database.db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();

describe('audit: the ledger and sync_log, projected from the log', () => {
  it('records each event as pending, then done with its sync_log row once an outcome arrives', async () => {
    const event = contactEvent();
    await publishEvent(event);
    await publishEvent(event); // redelivery: still one row
    const pending = await waitFor('the ledger row', () => ledgerRow(event.id));
    expect(pending).toMatchObject({
      status: 'pending',
      source: 'ghl',
      event_type: 'contact.updated',
      entity_id: 'ghl-1',
    });
    expect(pending.payload_json).toEqual(event.raw);

    const outcome = await outcomes.report(event, {
      entity: { type: 'contact', id: 'ghl-1' },
      direction: 'ghl_to_aloware',
      action: 'updated',
      reason: null,
      target: { system: 'aloware', id: '1550919' },
    });
    await waitFor('the ledger to be done', async () => (await ledgerRow(event.id))?.status === 'done');
    const log = await database.db
      .selectFrom('sync_log')
      .selectAll()
      .where('event_id', '=', event.id)
      .execute();
    expect(log).toMatchObject([
      {
        id: outcome.id,
        direction: 'ghl_to_aloware',
        status: 'updated',
        target_id: '1550919',
        correlation_id: event.correlationId,
        service: 'contact-sync',
      },
    ]);
    expect(
      await database.db
        .selectFrom('webhook_events')
        .select('id')
        .where('dedupe_key', '=', event.dedupeKey)
        .execute(),
    ).toHaveLength(1);
  });

  it('keeps a failure visible, even when the outcome arrives before the event', async () => {
    const event = contactEvent();
    await outcomes.report(event, {
      entity: { type: 'contact', id: 'ghl-1' },
      direction: 'ghl_to_aloware',
      action: 'failed',
      reason: 'aloware 422: invalid phone',
      target: { system: 'aloware', id: null },
    });
    await waitFor(
      'the outcome to be logged',
      async () =>
        (await database.db.selectFrom('sync_log').select('id').where('event_id', '=', event.id).execute())
          .length === 1,
    );
    await publishEvent(event);
    const row = await waitFor('the ledger row', () => ledgerRow(event.id));
    expect(row).toMatchObject({ status: 'error', error_message: 'aloware 422: invalid phone' });
  });

  it('keeps the latest of two failures that arrived before the event, as a rebuild does', async () => {
    const event = contactEvent();
    for (const reason of ['aloware 422: invalid phone', 'aloware 500: server error']) {
      await outcomes.report(event, {
        entity: { type: 'contact', id: 'ghl-1' },
        direction: 'ghl_to_aloware',
        action: 'failed',
        reason,
        target: { system: 'aloware', id: null },
      });
    }
    await waitFor(
      'both outcomes to be logged',
      async () =>
        (await database.db.selectFrom('sync_log').select('id').where('event_id', '=', event.id).execute())
          .length === 2,
    );
    await publishEvent(event);
    const row = await waitFor('the ledger row', () => ledgerRow(event.id));
    expect(row).toMatchObject({ status: 'error', error_message: 'aloware 500: server error' });
  });
});

describe('audit: one transaction per batch', () => {
  const outcomeFor = (event: EventEnvelope, action: 'updated' | 'failed', service = 'contact-sync') => ({
    id: randomUUID(),
    service,
    correlationId: event.correlationId,
    eventId: event.id,
    tenant: event.tenant,
    entity: { type: 'contact' as const, id: 'ghl-1' },
    direction: 'ghl_to_aloware' as const,
    action,
    reason: action === 'failed' ? 'aloware 422: invalid phone' : null,
    target: { system: 'aloware' as const, id: action === 'failed' ? null : '1550919' },
    at: new Date().toISOString(),
  });

  it('projects events and their outcomes arriving together, redeliveries included, with failures sticky', async () => {
    const events = Array.from({ length: 40 }, contactEvent);
    const done = events.slice(0, 20).map((e) => outcomeFor(e, 'updated'));
    const failed = [outcomeFor(events[20]!, 'failed'), outcomeFor(events[20]!, 'updated', 'call-sync')];
    // An outcome may precede its event in a batch; a batch may carry a redelivered record twice.
    await projectBatch(database.db, [...events, events[0]!], [...done, ...failed, done[0]!]);
    await projectBatch(database.db, events.slice(0, 5), done.slice(0, 5)); // the whole batch again

    const rows = await database.db
      .selectFrom('webhook_events')
      .select(['id', 'status', 'error_message'])
      .where(
        'id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    const statusOf = new Map(rows.map((r) => [r.id, r]));
    expect(rows).toHaveLength(40);
    expect(events.slice(0, 20).every((e) => statusOf.get(e.id)?.status === 'done')).toBe(true);
    expect(statusOf.get(events[20]!.id)).toMatchObject({
      status: 'error',
      error_message: 'aloware 422: invalid phone',
    });
    expect(events.slice(21).every((e) => statusOf.get(e.id)?.status === 'pending')).toBe(true);
    const logged = await database.db
      .selectFrom('sync_log')
      .select('id')
      .where(
        'event_id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    expect(logged).toHaveLength(22);
  });
});
