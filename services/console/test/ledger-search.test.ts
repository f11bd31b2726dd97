import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchLedger } from '../src/sources/ledger.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const PHONE = '+12025550188';

async function ledgerEvent(naturalKey: string, payload: object) {
  const id = randomUUID();
  await database.db
    .insertInto('webhook_events')
    .values({
      id,
      source: 'texting',
      event_type: 'sms.received',
      entity_type: 'message',
      entity_id: `msg-${id}`,
      payload_json: JSON.stringify(payload),
      dedupe_key: `texting:${id}`,
      natural_key: naturalKey,
    })
    .execute();
  return id;
}

describe('the console ledger search by phone (real Postgres)', () => {
  it('finds the events keyed by the phone though no contact is mapped to it, and no others', async () => {
    const keyed = await ledgerEvent(PHONE, { from: PHONE });
    // Another person's event whose body happens to quote the number is not theirs.
    await ledgerEvent('+12025550199', { text: `call me back on ${PHONE}` });
    const page = await searchLedger(database.db, { phone: PHONE, limit: 10, offset: 0 });
    expect(page.items.map((r) => r.id)).toEqual([keyed]);
  });
});
