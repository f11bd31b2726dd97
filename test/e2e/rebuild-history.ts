import { randomUUID } from 'node:crypto';
import { ContactData, type EventEnvelope, type SyncOutcome, TOPICS } from '@df/contracts';
import { committedOffsets, type EventProducer, logEnds } from '@df/kafka';
import type { Infrastructure } from '@df/service-runtime';

/** A GHL contact event about person `n`, at `minute` past noon (events are published out of time order). */
export function contactEvent(
  n: number,
  minute: number,
  type: 'contact.updated' | 'contact.deleted' = 'contact.updated',
) {
  const id = randomUUID();
  const phone = `+1202555${String(7000 + n).padStart(4, '0')}`;
  return {
    id,
    type,
    source: 'ghl',
    sourceEventName: type === 'contact.deleted' ? 'ContactDelete' : 'ContactUpdate',
    tenant: 'loc-1',
    entity: { type: 'contact', id: `ghl-${n}` },
    naturalKey: phone,
    occurredAt: new Date(Date.UTC(2026, 11, 1, 12, minute)).toISOString(),
    receivedAt: new Date(Date.UTC(2026, 11, 1, 12, minute, 1)).toISOString(),
    dedupeKey: `ghl:${id}`,
    correlationId: `corr-${id}`,
    data: ContactData.parse({
      ...Object.fromEntries(Object.keys(ContactData.shape).map((field) => [field, null])),
      ghlContactId: `ghl-${n}`,
      firstName: `Person ${n} at ${minute}`,
      phone,
      customFields: [],
    }),
    raw: { type: 'ContactUpdate', id: `ghl-${n}`, minute },
  } as EventEnvelope;
}

export function outcomeOf(
  event: EventEnvelope,
  action: SyncOutcome['action'],
  reason: string | null = null,
  id: string = randomUUID(),
): SyncOutcome {
  return {
    id,
    service: 'contact-sync',
    correlationId: event.correlationId,
    eventId: event.id,
    tenant: event.tenant,
    entity: { type: 'contact', id: event.entity.id },
    direction: 'ghl_to_aloware',
    action,
    reason,
    target: { system: 'aloware', id: `al-${event.entity.id}` },
    at: new Date().toISOString(),
  };
}

/** Publishes what the ingress and the services would: events on ghl.events.v1, outcomes on sync.outcomes.v1. */
export async function publish(
  infra: Infrastructure,
  producer: EventProducer,
  records: Array<EventEnvelope | SyncOutcome>,
) {
  const events = `${infra.topicPrefix}${TOPICS.ghl}`;
  const outcomes = `${infra.topicPrefix}${TOPICS.outcomes}`;
  for (const record of records) {
    if ('action' in record) {
      await producer.publish(outcomes, await infra.schemaIdFor(outcomes), [
        { key: `${record.tenant}:${record.entity.id ?? record.eventId}`, value: record },
      ]);
    } else {
      await producer.publish(events, await infra.schemaIdFor(events), [
        { key: `${record.tenant}:${record.naturalKey}`, value: record },
      ]);
    }
  }
}

/**
 * A mixed history: updates of eight people out of time order, deletes, the same event delivered twice, echoes
 * (skipped outcomes), failures, an outcome published before its event, and an outcome reported twice (same
 * id, later time: a service that crashed after reporting it).
 */
export async function publishMixedHistory(infra: Infrastructure, producer: EventProducer) {
  const records: Array<EventEnvelope | SyncOutcome> = [];
  for (let round = 0; round < 5; round += 1) {
    for (let n = 0; n < 8; n += 1) {
      const event = contactEvent(n, 50 - round * 10 + n); // newest first: every later one is stale
      const outcome = outcomeOf(event, round === 0 ? 'updated' : 'skipped', round === 0 ? null : 'stale');
      if (n === 3) records.push(outcome, event);
      else records.push(event, outcome);
      if (n === 5) records.push(event, { ...outcome, at: new Date(Date.now() + 1000).toISOString() });
      if (n === 6) records.push(outcomeOf(event, 'skipped', 'echo'));
      if (n === 7 && round === 2) records.push(outcomeOf(event, 'failed', 'aloware answered 422'));
    }
  }
  for (const n of [1, 4]) {
    const deleted = contactEvent(n, 59, 'contact.deleted');
    records.push(deleted, outcomeOf(deleted, 'deleted'));
  }
  await publish(infra, producer, records);
  return records;
}

/** True once `group` has committed everything its topics hold. */
export async function caughtUp(infra: Infrastructure, group: string, topics: readonly string[]) {
  const prefixed = topics.map((t) => `${infra.topicPrefix}${t}`);
  const ends = await logEnds(infra.kafka, prefixed);
  for (const topic of prefixed) {
    const committed = await committedOffsets(infra.kafka, `${infra.topicPrefix}${group}`, topic);
    for (const [key, end] of ends) {
      if (!key.startsWith(`${topic}:`) || end === 0n) continue;
      const partition = Number(key.slice(topic.length + 1));
      if (BigInt(committed.get(partition) ?? '-1') < end) return false;
    }
  }
  return true;
}
