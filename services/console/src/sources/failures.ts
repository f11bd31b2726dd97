import { createHash } from 'node:crypto';
import { type ConsumerGroup, deadLetterTopic } from '@df/contracts';
import { type DeadLetterFilter, listDeadLetters } from '@df/kafka';
import { PgParkingStore, redriveGroup } from '@df/service-runtime';
import { maskText } from '@df/telemetry';
import type { ConsoleDeps } from '../deps.ts';

const masked = (value: string | null) => (value === null ? null : maskText(value));

/** A dead letter as the console shows it: the reason and where it came from, never its payload. */
export async function deadLettersOf(deps: ConsoleDeps, group: ConsumerGroup) {
  const letters = await listDeadLetters(deps.kafka, `${deps.topicPrefix}${deadLetterTopic(group)}`);
  return letters.map((l) => ({
    offset: l.offset,
    key: masked(l.key),
    reason: l.reason,
    error: maskText(l.error),
    source: l.source,
    failedAt: l.failedAt,
    attempts: l.attempts,
  }));
}

/** Puts the group's dead letters the filter selects back on their topics; how many went back. */
export function redrive(deps: ConsoleDeps, group: ConsumerGroup, filter: DeadLetterFilter) {
  return redriveGroup(deps, deps.producer, group, filter);
}

/**
 * A parked key carries a phone: pages and URLs name it by this digest instead, and a release looks the key up
 * among the group's parked keys by it.
 */
export function keyRef(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

export async function parkedKeysOf(deps: ConsoleDeps, group: ConsumerGroup) {
  const rows = await new PgParkingStore(deps.db).list(`${deps.topicPrefix}${group}`);
  return rows.map((r) => ({
    ref: keyRef(r.key),
    key: maskText(r.key),
    parkedAt: new Date(r.parked_at).toISOString(),
    nextRetryAt: new Date(r.next_retry_at).toISOString(),
    retries: r.retries,
    records: Number(r.records),
    lastError: masked(r.last_error),
  }));
}

/** Makes a parked key due now (a running member tries its records in order); false when it is not parked. */
export async function releaseParked(deps: ConsoleDeps, group: ConsumerGroup, ref: string): Promise<boolean> {
  const groupId = `${deps.topicPrefix}${group}`;
  const store = new PgParkingStore(deps.db);
  const key = (await store.list(groupId)).find((r) => keyRef(r.key) === ref)?.key;
  return key === undefined ? false : store.release(groupId, key);
}
