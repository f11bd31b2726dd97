import { consumerLag } from '@df/backfill';
import { TOPICS } from '@df/contracts';
import type { TestSystem } from './system-harness.ts';

let phoneCounter = 0;
/** A fresh fictional number per contact (NANP 202-555-XXXX, a block other e2e files do not use). */
export const nextPhone = () => `+1202557${String(phoneCounter++).padStart(4, '0')}`;

/**
 * Contacts a GHL location already has when the middleware is deployed: no webhook was ever sent for them, and
 * they were last changed an hour ago (so a later search result is no older than what a projection holds).
 */
export function seedExistingGhlContacts(s: TestSystem, count: number, fields: Record<string, unknown> = {}) {
  const anHourAgo = Date.now() - 3_600_000;
  return Array.from({ length: count }, (_, n) => {
    const contact = s.simulators!.ghl.seedContact(
      { firstName: `Pre${n}`, lastName: 'Existing', phone: nextPhone(), ...fields },
      { silent: true },
    );
    contact.dateAdded = contact.dateUpdated = new Date(anHourAgo + n).toISOString();
    return contact;
  });
}

/** Publishes a command through the operator API's `POST /commands`, for the simulated GHL location. */
export async function requestCommand(s: TestSystem, command: { type: string; data: unknown }) {
  const response = await fetch(`${s.ingressUrl}/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.operatorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...command, tenant: s.simulators!.ghl.locationId }),
  });
  if (response.status !== 202) throw new Error(`POST /commands answered ${response.status}`);
  return ((await response.json()) as { command: { id: string } }).command.id;
}

export const watermark = (s: TestSystem, job: string) =>
  s.database.db
    .selectFrom('sync_state')
    .select(['run_id', 'counts', 'finished_at', 'tenant'])
    .where('direction', '=', 'backfill')
    .where('entity_type', '=', `${job}:${s.simulators!.ghl.locationId}`)
    .executeTakeFirst();

export const mappedGhlIds = async (s: TestSystem) =>
  (
    await s.database.db
      .selectFrom('contact_mappings')
      .select('ghl_contact_id')
      .where('ghl_contact_id', 'is not', null)
      .execute()
  ).map((r) => r.ghl_contact_id);

/**
 * Records contact-sync and list-sync have not committed on GHL's topic: 0 once they handled everything (a group
 * that committed nothing yet is not counted, so wait for something it handled first).
 */
export async function ghlTopicLag(s: TestSystem): Promise<number> {
  const p = s.infra.topicPrefix;
  const lag = consumerLag(s.infra.kafka, [`${p}contact-sync`, `${p}list-sync`], [`${p}${TOPICS.ghl}`]);
  try {
    return await lag.lag();
  } finally {
    await lag.close();
  }
}

/** Tool calls that change something (searches, lookups and reads excluded). */
export const toolWrites = (s: TestSystem) => ({
  ghl: s.simulators!.ghl.requests.filter((r) => r.method !== 'GET' && !r.path.includes('/search')).length,
  aloware: s.simulators!.aloware.requests.filter((r) => r.method === 'POST').length,
});
