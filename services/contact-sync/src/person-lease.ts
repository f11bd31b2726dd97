import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '@df/db';
import { RetriableError } from '@df/kafka';
import type { Kysely, Transaction } from 'kysely';
import { loadPerson, lockPerson, type StoredPerson, writeLeaseHolder } from './store.ts';

/**
 * The person's own lock, taken once the mapping is found: the first lock is on the event's phone or e-mail, and
 * another event about the same person may carry another number (a phone change) or only an e-mail. Reloaded
 * under the lock, since that other event may have changed it meanwhile.
 */
export async function lockedPerson(trx: Transaction<Database>, found: StoredPerson | null) {
  if (!found) return null;
  await lockPerson(trx, `mapping:${found.id}`);
  return loadPerson(trx, found.id);
}

/**
 * Another change's tool writes for this person are in flight (taken on another topic, maybe by another
 * instance): this one is retried after a moment, so writes reach the tools in the order they were planned.
 */
export async function waitForWriteLease(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
  self: string,
) {
  const holder = await writeLeaseHolder(db, id);
  if (holder && holder !== self) throw new PersonBusy();
}

export class PersonBusy extends RetriableError {
  constructor() {
    super('another change to this person is being written', { retryAfterMs: 1000 });
  }
}

/**
 * Runs a step that may find the person busy again a few times, waiting outside any transaction, before
 * handing the wait to the runner's retries (a tool write under GHL's rate limit can take a while).
 */
export async function whenFree<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof PersonBusy) || attempt >= 50) throw error;
      await delay(200);
    }
  }
}
