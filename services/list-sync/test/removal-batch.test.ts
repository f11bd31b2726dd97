import { createLogger } from '@df/telemetry';
import { waitFor } from '@df/test-kit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRule } from '../src/domain/rules.ts';
import { claimRemovals, scheduleRemovalRebuilds } from '../src/removal-rebuilds.ts';
import { type ListFixture, startListFixture } from './fixture.ts';

// LIST_SYNC_REMOVAL=configured_only: a list a contact leaves is marked, and a batch hard-rebuilds it later.
const HOT = 5201;
const rules: ListRule[] = [
  { tag: 'hot', target: { kind: 'list', listId: HOT }, position: 'bottom', excludeDnd: true },
];
let f: ListFixture;

beforeAll(async () => {
  f = await startListFixture(rules, { removal: 'configured_only' });
});
afterAll(async () => {
  await f?.close();
});

describe('the removal batch (configured_only)', () => {
  it('an instance that dies after claiming a list loses no removal: another claims it once its lease ran out', async () => {
    const phone = '+12025550411';
    const contact = f.ghl.seedContact({ firstName: 'Bo', phone, tags: ['hot'] }, { silent: true });
    await f.observe(contact.id, phone, ['hot']);
    expect(f.listsOf(phone)).toEqual([HOT]);
    f.ghl.editContact(contact.id, { tags: [] });
    await f.observe(contact.id, phone, []);
    // The removal waits for the batch.
    expect(f.listsOf(phone)).toEqual([HOT]);

    const tenant = f.ghl.locationId;
    // One instance claims the list, then the process dies before the rebuild.
    expect(await claimRemovals(f.deps.db, tenant, HOT)).toBeTruthy();
    // While its claim holds, nobody else rebuilds the list at the same time.
    expect(await claimRemovals(f.deps.db, tenant, HOT)).toBeFalsy();

    const log = createLogger({ service: 'list-sync-test' }, { level: 'error' });
    const other = scheduleRemovalRebuilds(f.deps, tenant, 50, log, 300);
    try {
      await waitFor('the contact out of the hot list', () => f.listsOf(phone).length === 0, {
        timeoutMs: 10_000,
      });
    } finally {
      await other.stop();
    }
    const row = await f.deps.db
      .selectFrom('sync_state')
      .select(['cursor_updated_at', 'last_success_at'])
      .where('entity_type', '=', `removals:${tenant}:${HOT}`)
      .executeTakeFirstOrThrow();
    expect(row.cursor_updated_at).toBeNull();
    expect(row.last_success_at).not.toBeNull();
  });

  it('a database error in one period does not stop the batch: the next period rebuilds the list', async () => {
    const phone = '+12025550412';
    const contact = f.ghl.seedContact({ firstName: 'Cat', phone, tags: ['hot'] }, { silent: true });
    await f.observe(contact.id, phone, ['hot']);
    f.ghl.editContact(contact.id, { tags: [] });
    await f.observe(contact.id, phone, []);
    expect(f.listsOf(phone)).toEqual([HOT]);

    // The claim fails for a while (the table out of reach), then the database is back.
    await sql`alter table sync_state rename to sync_state_away`.execute(f.deps.db);
    const lines: string[] = [];
    const log = createLogger({ service: 'list-sync-test' }, { level: 'warn', write: (l) => lines.push(l) });
    const batch = scheduleRemovalRebuilds(f.deps, f.ghl.locationId, 50, log);
    try {
      await waitFor('a failed period', () => lines.some((l) => l.includes('run again next period')));
      await sql`alter table sync_state_away rename to sync_state`.execute(f.deps.db);
      await waitFor('the contact out of the hot list', () => f.listsOf(phone).length === 0, {
        timeoutMs: 10_000,
      });
    } finally {
      await batch.stop();
    }
  });
});
