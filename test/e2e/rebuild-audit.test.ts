import { type AuditRecord, auditProjection, startAudit } from '@df/audit';
import { TOPICS } from '@df/contracts';
import type { EventProducer } from '@df/kafka';
import { rebuildProjection } from '@df/replay';
import type { Infrastructure, RunningServiceConsumer } from '@df/service-runtime';
import { type TestDatabase, waitFor } from '@df/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEventBus, type TestEventBus } from './event-bus.ts';
import { caughtUp, contactEvent, outcomeOf, publish, publishMixedHistory } from './rebuild-history.ts';

let database: TestDatabase;
let infra: Infrastructure;
let audit: RunningServiceConsumer;
let producer: EventProducer;
let close: TestEventBus['close'];

beforeEach(async () => {
  ({ database, infra, producer, close } = await startTestEventBus('rebuild', 3));
  audit = await startAudit(infra);
});
afterEach(async () => {
  await audit.stop();
  await close();
});

/** Every row of the audit's tables; when the ledger learned a status is its own clock, so only whether it did. */
async function auditRows() {
  const log = await database.db.selectFrom('sync_log').selectAll().orderBy('id').execute();
  const ledger = await database.db.selectFrom('webhook_events').selectAll().orderBy('id').execute();
  return {
    log,
    ledger: ledger.map(({ processed_at, ...row }) => ({ ...row, processed: processed_at !== null })),
  };
}

const auditTopics = auditProjection.topics;

describe('audit rebuild from the log (real Kafka and Postgres)', () => {
  it('rebuilds sync_log and the ledger equal to the live ones, row by row, after a mixed history', async () => {
    const history = await publishMixedHistory(infra, producer);
    // Bytes no consumer can read (not in the registry's wire format): dead-lettered live, skipped by a rebuild.
    await producer.publishRaw(`${infra.topicPrefix}${TOPICS.ghl}`, [
      { key: 'loc-1:broken', value: Buffer.from('{"not":"framed"}') },
    ]);
    await waitFor('the live audit to consume everything', () => caughtUp(infra, 'audit', auditTopics));
    const live = await auditRows();
    expect(live.ledger.length).toBe(new Set(history.filter((r) => 'type' in r).map((r) => r.id)).size);

    expect(live.ledger.filter((r) => r.status === 'error')).toHaveLength(1);

    const dry = await rebuildProjection(infra, auditProjection, { dryRun: true });
    expect(dry.switched).toBe(false);
    expect(dry.unreadable).toBe(1);
    expect(dry.differences).toEqual([
      { table: 'sync_log', differing: 0, extra: 0 },
      { table: 'webhook_events', differing: 0, extra: 0 },
    ]);

    // Damage the live tables as a lost write, a bad manual fix and a row no record makes would.
    const [lost, changed] = [live.log.slice(0, 4).map((r) => r.id), live.ledger.slice(0, 3).map((r) => r.id)];
    await database.db.deleteFrom('sync_log').where('id', 'in', lost).execute();
    await database.db
      .updateTable('webhook_events')
      .set({ status: 'pending', processed_at: null, error_message: 'edited by hand' })
      .where('id', 'in', changed)
      .execute();
    await database.db
      .insertInto('sync_log')
      .values({ direction: 'internal', entity_type: 'contact', entity_id: 'nobody', status: 'created' })
      .execute();

    const rebuilt = await rebuildProjection(infra, auditProjection);
    expect(rebuilt.switched).toBe(true);
    expect(rebuilt.differences).toEqual([
      { table: 'sync_log', differing: 4, extra: 1 },
      { table: 'webhook_events', differing: 3, extra: 0 },
    ]);
    expect(await auditRows()).toEqual(live);
  });

  it('rebuilds from T over the live rows: what the records since T make is repaired, nothing else is touched', async () => {
    const early = contactEvent(10, 1);
    await publish(infra, producer, [early, outcomeOf(early, 'updated')]);
    await waitFor('the early event settled', () => caughtUp(infra, 'audit', auditTopics));
    await new Promise((r) => setTimeout(r, 20)); // T strictly after the early records' broker time
    const from = new Date();
    const late = contactEvent(11, 2);
    const lateOutcome = outcomeOf(late, 'updated');
    await publish(infra, producer, [late, lateOutcome]);
    await waitFor('the late event settled', () => caughtUp(infra, 'audit', auditTopics));
    const live = await auditRows();

    // Both outcomes lost, and a row no record makes added: only the late outcome is in the records since T.
    await database.db.deleteFrom('sync_log').execute();
    await database.db
      .insertInto('sync_log')
      .values({ direction: 'internal', entity_type: 'contact', entity_id: 'nobody', status: 'created' })
      .execute();
    const rebuilt = await rebuildProjection(infra, auditProjection, { from });
    expect(rebuilt.records).toBe(2);
    expect(rebuilt.differences).toEqual([
      { table: 'sync_log', differing: 1, extra: 0 },
      { table: 'webhook_events', differing: 0, extra: 0 },
    ]);
    const log = await database.db.selectFrom('sync_log').select(['id', 'entity_id']).execute();
    expect(log.map((r) => r.id)).toContain(lateOutcome.id);
    expect(log.map((r) => r.entity_id).sort()).toEqual(['ghl-11', 'nobody']);
    expect((await auditRows()).ledger).toEqual(live.ledger);
  });

  it('switches over while live traffic flows without losing a record the live audit applied meanwhile', async () => {
    const published: AuditRecord['id'][] = [];
    const first = Array.from({ length: 600 }, (_, i) => contactEvent(i % 40, i % 60));
    const firstOutcomes = first.map((e) => outcomeOf(e, 'updated'));
    await publish(infra, producer, [...first, ...firstOutcomes]);
    published.push(...first.map((e) => e.id), ...firstOutcomes.map((o) => o.id));

    let flowing = true;
    const traffic = (async () => {
      for (let i = 0; flowing; i += 1) {
        const event = contactEvent(i % 40, i % 60);
        const outcome = outcomeOf(
          event,
          i % 10 === 0 ? 'failed' : 'updated',
          i % 10 === 0 ? 'refused' : null,
        );
        await publish(infra, producer, i % 2 ? [event, outcome] : [outcome, event]);
        published.push(event.id, outcome.id);
      }
    })();
    const progress: string[] = [];
    const rebuilt = await rebuildProjection(infra, auditProjection, {
      switchGap: 5,
      onProgress: (p) => progress.push(p.phase),
    });
    const duringRebuild = published.length;
    flowing = false;
    await traffic;
    expect(rebuilt.switched).toBe(true);
    expect(progress).toContain('switching');
    expect(published.length).toBeGreaterThan(first.length * 2);

    await waitFor('the live audit to consume everything', () => caughtUp(infra, 'audit', auditTopics));
    const { log, ledger } = await auditRows();
    const stored = new Set([...log.map((r) => r.id), ...ledger.map((r) => r.id)]);
    expect(published.filter((id) => !stored.has(id))).toEqual([]);
    expect(duringRebuild).toBeLessThanOrEqual(published.length);
    // Every event's outcome settled it, whichever side of the switch each was applied on.
    expect(ledger.filter((r) => r.status === 'pending')).toEqual([]);
    const again = await rebuildProjection(infra, auditProjection, { dryRun: true });
    expect(again.differences.every((d) => d.differing === 0 && d.extra === 0)).toBe(true);
  });
});
