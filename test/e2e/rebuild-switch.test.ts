import { spawn } from 'node:child_process';
import { type AuditRecord, auditProjection, projectBatch, startAudit } from '@df/audit';
import { TOPICS } from '@df/contracts';
import type { EventProducer } from '@df/kafka';
import { rebuildProjection, SwitchTimedOut } from '@df/replay';
import type { Infrastructure, RunningServiceConsumer } from '@df/service-runtime';
import { type TestDatabase, waitFor } from '@df/test-kit';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, startTestEventBus, type TestEventBus } from './event-bus.ts';
import { caughtUp, contactEvent, outcomeOf, publish } from './rebuild-history.ts';

let database: TestDatabase;
let infra: Infrastructure;
let audit: RunningServiceConsumer;
let producer: EventProducer;
let close: TestEventBus['close'];

beforeEach(async () => {
  ({ database, infra, producer, close } = await startTestEventBus('rebuild-switch', 2));
  audit = await startAudit(infra);
});
afterEach(async () => {
  await audit.stop();
  await close();
});

const auditTopics = auditProjection.topics;

async function settledHistory(people: number) {
  const events = Array.from({ length: people }, (_, n) => contactEvent(n, n % 60));
  await publish(infra, producer, [...events, ...events.map((e) => outcomeOf(e, 'updated'))]);
  await waitFor('the live audit at the log’s end', () => caughtUp(infra, 'audit', auditTopics));
  return events;
}

const shadowSchemas = async () =>
  (
    await sql<{
      name: string;
    }>`select nspname as name from pg_namespace where nspname like 'rebuild%'`.execute(database.db)
  ).rows.map((r) => r.name);

describe('the rebuild’s switch-over and its shadow (real Kafka and Postgres)', () => {
  it('writes the tail into the shadow while the switch holds the live tables’ lock (no hang)', async () => {
    // The switch locks the live tables, then waits for the shadow to apply the records below the log's end: a
    // shadow write that needs the live tables would wait for the switch, which waits for it, for ever.
    const event = contactEvent(1, 1);
    const records: AuditRecord[] = [event, { ...outcomeOf(event, 'updated'), type: 'sync.outcome' }];
    await sql`create schema shadow_probe`.execute(database.db);
    for (const { name } of auditProjection.tables)
      await sql`create table ${sql.table(`shadow_probe.${name}`)} (like ${sql.table(name)} including all)`.execute(
        database.db,
      );
    await database.db.transaction().execute(async (switchLock) => {
      await sql`lock table sync_log, webhook_events in access exclusive mode`.execute(switchLock);
      await sql`set local lock_timeout = '3s'`.execute(switchLock);
      const write = database.db.connection().execute((shadow) =>
        sql`set lock_timeout = '2s'`
          .execute(shadow)
          .then(() => auditProjection.write(shadow.withSchema('shadow_probe'), records))
          .finally(() => sql`reset lock_timeout`.execute(shadow)),
      );
      await expect(write).resolves.toBeUndefined();
    });
    const written = await sql<{ n: string }>`select count(*) as n from shadow_probe.sync_log`.execute(
      database.db,
    );
    expect(Number(written.rows[0]!.n)).toBe(1);
  });

  it('rolls a switch back when it cannot finish in time: the live tables as they were, and writable', async () => {
    await settledHistory(10);
    await database.db.deleteFrom('sync_log').execute(); // a repair the switch would make
    const rebuilding = rebuildProjection(infra, auditProjection, { switchTimeoutMs: 0 });
    await expect(rebuilding).rejects.toBeInstanceOf(SwitchTimedOut);
    await expect(rebuilding).rejects.toThrow(/rolled back, the live tables are as they were/);
    expect(await database.db.selectFrom('sync_log').select('id').execute()).toEqual([]);
    expect(await shadowSchemas()).toEqual([]);
    // No lock left behind: a live write goes through at once.
    await database.db.transaction().execute(async (live) => {
      await sql`set local lock_timeout = '1s'`.execute(live);
      await sql`lock table sync_log, webhook_events in access exclusive mode`.execute(live);
    });
    const rebuilt = await rebuildProjection(infra, auditProjection);
    expect(rebuilt.differences.find((d) => d.table === 'sync_log')?.differing).toBe(10);
  });

  it('refuses a second rebuild of the same projection while one runs, naming it', async () => {
    await settledHistory(20);
    const both = await Promise.allSettled([
      rebuildProjection(infra, auditProjection),
      rebuildProjection(infra, auditProjection),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(String(refused?.reason)).toMatch(/a rebuild of audit is already running/);
    expect(await shadowSchemas()).toEqual([]);
  });

  it('drops the shadow a killed rebuild left behind, at the next rebuild of that projection', async () => {
    await settledHistory(300);
    const cli = spawn('npx', ['tsx', 'services/replay/src/cli.ts', 'rebuild', 'audit', '--json'], {
      env: cliEnv(database, infra),
      stdio: 'ignore',
      detached: true,
    });
    const exited = new Promise((resolve) => cli.on('exit', resolve));
    await waitFor('the killed rebuild’s shadow', async () => (await shadowSchemas()).length === 1, {
      timeoutMs: 60_000,
      intervalMs: 20,
    });
    process.kill(-cli.pid!, 'SIGKILL'); // npx and tsx's node: the whole process group, as a crash would
    await exited;
    // Its sessions end with it (Postgres sees the sockets close), and whatever they held with them.
    await waitFor('the killed rebuild’s sessions gone', async () => {
      const held = await sql<{ n: string }>`
        select count(*) as n from pg_locks l join pg_database d on d.oid = l.database
        where l.locktype = 'advisory' and d.datname = current_database()`.execute(database.db);
      return Number(held.rows[0]!.n) === 0;
    });
    expect(await shadowSchemas()).toHaveLength(1);

    const rebuilt = await rebuildProjection(infra, auditProjection, { dryRun: true });
    expect(rebuilt.differences.every((d) => d.differing === 0 && d.extra === 0)).toBe(true);
    expect(await shadowSchemas()).toEqual([]);
  }, 90_000);

  it('removes no live row when the log no longer starts at its first record (deleted segments)', async () => {
    const events = await settledHistory(12);
    const before = await database.db.selectFrom('webhook_events').select('id').orderBy('id').execute();
    expect(before).toHaveLength(events.length);
    // Retention (or an operator) deleted the events' oldest segments: the outcomes are still there.
    const admin = infra.kafka.admin();
    await admin.connect();
    const topic = `${infra.topicPrefix}${TOPICS.ghl}`;
    const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      offset: p.high,
    }));
    await admin.deleteTopicRecords({ topic, partitions });
    await admin.disconnect();

    const dry = await rebuildProjection(infra, auditProjection, { dryRun: true });
    expect(dry.differences.map((d) => d.extra)).toEqual([0, 0]);
    const rebuilt = await rebuildProjection(infra, auditProjection);
    expect(rebuilt.logComplete).toBe(false);
    expect(rebuilt.differences).toEqual([
      { table: 'sync_log', differing: 0, extra: 0 },
      { table: 'webhook_events', differing: 0, extra: 0 },
    ]);
    expect(await database.db.selectFrom('webhook_events').select('id').orderBy('id').execute()).toEqual(
      before,
    );
  });

  it('from T, leaves alone a row the live audit changed after the rebuild copied it (a lagging audit)', async () => {
    const event = contactEvent(30, 30);
    await publish(infra, producer, [event]);
    await waitFor('the event in the ledger', () =>
      database.db.selectFrom('webhook_events').select('status').where('id', '=', event.id).executeTakeFirst(),
    );
    await audit.stop(); // the live audit falls behind: the outcome, before T, is not applied yet
    const outcome = outcomeOf(event, 'updated');
    await publish(infra, producer, [outcome]);
    await new Promise((r) => setTimeout(r, 20)); // T strictly after the outcome's broker time
    const from = new Date();

    const rebuilding = rebuildProjection(infra, auditProjection, { from });
    await waitFor(
      'the live ledger copied into the shadow',
      async () => {
        const [schema] = await shadowSchemas();
        if (!schema) return false;
        const copied = await sql<{
          n: string;
        }>`select count(*) as n from ${sql.table(`${schema}.webhook_events`)}`
          .execute(database.db)
          .catch(() => ({ rows: [{ n: '0' }] }));
        return Number(copied.rows[0]!.n) > 0;
      },
      { intervalMs: 5 },
    );
    // The lagging audit catches up meanwhile: its batch applies the outcome, which settles the event.
    await projectBatch(database.db, [], [outcome]);
    const settled = await database.db
      .selectFrom('webhook_events')
      .select(['status', 'processed_at'])
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(settled.status).toBe('done');

    const rebuilt = await rebuilding;
    expect(rebuilt.switched).toBe(true);
    expect(
      await database.db
        .selectFrom('webhook_events')
        .select(['status', 'processed_at'])
        .where('id', '=', event.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(settled);
    audit = await startAudit(infra);
  });
});
