import { createDb, dropDatabase, ensureDatabase, migrateToLatest, migrationNames } from '@df/db';

import { testStack, uniqueName } from '@df/test-kit';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';

const url = new URL(testStack().databaseUrl);
url.pathname = `/${uniqueName('df_migrate').replaceAll('-', '_')}`;
const db = createDb(url.toString(), { max: 2 });

afterAll(async () => {
  await db.destroy();
  await dropDatabase(url.toString());
});

describe('migrations', () => {
  it('apply to an empty database and create the seed tables with their indexes', async () => {
    expect(await ensureDatabase(url.toString())).toBe(true);
    const { results } = await migrateToLatest(db);
    expect(results?.map((r) => r.status)).toEqual(migrationNames().map(() => 'Success'));

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'
      order by table_name`.execute(db);
    // Every service adds tables of its own; these are the seed's and the ingress's.
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'contact_mappings',
        'ingress_raw_bodies',
        'ingress_replay_guards',
        'ingress_set_aside',
        'ingress_spool',
        'sync_log',
        'sync_state',
        'webhook_events',
      ]),
    );
    // Replaced by event ids derived from the delivery's identity (20261201T1400_ingress_accept_path).
    expect(names).not.toContain('ingress_receipts');

    const indexes = await sql<{
      indexname: string;
    }>`select indexname from pg_indexes where schemaname = 'public'`.execute(db);
    const indexNames = indexes.rows.map((r) => r.indexname);
    for (const expected of [
      'webhook_events_dedupe_key_key',
      'webhook_events_source_status_idx',
      'sync_log_correlation_id_idx',
      'contact_mappings_aloware_contact_id_key',
      'contact_mappings_ghl_contact_id_key',
      'contact_mappings_phone_idx',
      'sync_state_direction_entity_key',
    ]) {
      expect(indexNames).toContain(expected);
    }
  });

  it('change nothing when run a second time', async () => {
    const { results } = await migrateToLatest(db);
    expect(results).toEqual([]);
  });

  it('enforce the ledger rules: one row per dedupe key, known statuses only', async () => {
    const row = {
      source: 'aloware',
      event_type: 'contact.created',
      entity_type: 'contact',
      payload_json: JSON.stringify({ a: 1 }),
    };
    await db
      .insertInto('webhook_events')
      .values({ ...row, dedupe_key: 'k1' })
      .execute();
    await expect(
      db
        .insertInto('webhook_events')
        .values({ ...row, dedupe_key: 'k1' })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      db
        .updateTable('webhook_events')
        .set({ status: 'lost' as 'done' })
        .where('dedupe_key', '=', 'k1')
        .execute(),
    ).rejects.toThrow(/check constraint/);
    const stored = await db
      .selectFrom('webhook_events')
      .selectAll()
      .where('dedupe_key', '=', 'k1')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('pending');
    expect(stored.payload_json).toEqual({ a: 1 });
  });
});
