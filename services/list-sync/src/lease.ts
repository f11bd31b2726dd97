import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '@df/db';
import { RetriableError } from '@df/kafka';
import type { Kysely } from 'kysely';
import { loadMember, lockMember, type MemberKey, saveMember } from './store.ts';

// Longer than a change's tool calls take (retries included); a crashed holder's lease runs out after it.
export const LEASE_MS = 60_000;

export class ContactBusy extends RetriableError {
  constructor() {
    super('another change to this contact is being written to Aloware', { retryAfterMs: 1000 });
  }
}

/** Waits a little for a busy contact outside any transaction, then hands the wait to the runner's retries. */
export async function whenFree<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ContactBusy) || attempt >= 50) throw error;
      await delay(200);
    }
  }
}

export async function releaseLease(db: Kysely<Database>, key: MemberKey, holder: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockMember(trx, key);
    const member = await loadMember(trx, key);
    if (member?.lease?.holder === holder) await saveMember(trx, key, { ...member, lease: null });
  });
}
