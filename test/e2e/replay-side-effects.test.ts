import { readTopic } from '@df/kafka';
import { replayedId } from '@df/replay';
import { replay } from '@df/replay-service';
import { afterEach, describe, expect, it } from 'vitest';
import { caughtUp } from './rebuild-history.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 700;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const mappingOf = (s: TestSystem, phone: string) =>
  s.database.db
    .selectFrom('contact_mappings')
    .selectAll()
    .where('phone_number', '=', phone)
    .executeTakeFirst();
const upserts = (s: TestSystem) =>
  s.simulators!.ghl.requests.filter((r) => r.method === 'POST' && r.path === '/contacts/upsert').length;

async function mappedPeople(s: TestSystem, count: number) {
  const phones = Array.from({ length: count }, nextPhone);
  for (const phone of phones)
    s.simulators!.aloware.createContact({ phone_number: phone, first_name: 'Replay' });
  for (const phone of phones)
    await waitFor('the mapping', async () => (await mappingOf(s, phone))?.ghl_contact_id);
  await s.settle();
  await waitFor('contact-sync at the end of its topics', () =>
    caughtUp(s.infra, 'contact-sync', ['aloware.events.v1', 'ghl.events.v1']),
  );
  return phones;
}

describe('replay with side effects (real Kafka, registry, Postgres; simulated tools)', () => {
  it('re-applies only the events after T, through the group’s own consumer, once per run', async () => {
    system = await startTestSystem();
    const s = system;
    const before = await mappedPeople(s, 2);
    await new Promise((r) => setTimeout(r, 20)); // T strictly after the last record of the first people
    const from = new Date();
    const after = await mappedPeople(s, 2);
    const alowareIds = new Map<string, string>();
    for (const phone of [...before, ...after])
      alowareIds.set(phone, (await mappingOf(s, phone))!.aloware_contact_id!);
    const ghlIds = await Promise.all(after.map(async (p) => (await mappingOf(s, p))!.ghl_contact_id));
    // contact-sync's memory of everyone is lost (and not rebuilt): only a replay can bring the later ones back.
    await s.database.db.deleteFrom('contact_mappings').execute();

    const runId = crypto.randomUUID();
    const aloware = { runId, group: 'contact-sync' as const, from, filter: { types: ['contact.created'] } };
    const dry = await replay(s.infra, { ...aloware, dryRun: true });
    const tenant = dry.sample.find((r) => r.topic.endsWith('aloware.events.v1'))!.tenant;
    const request = { ...aloware, filter: { ...aloware.filter, tenant } };
    const planned = await replay(s.infra, { ...request, dryRun: true });
    expect(planned.selected).toBe(2);
    expect(planned.sample.map((r) => r.entityId).sort()).toEqual(after.map((p) => alowareIds.get(p)).sort());
    const replayTopic = `${s.infra.topicPrefix}contact-sync.replay`;
    expect(await readTopic(s.infra.kafka, replayTopic)).toEqual([]);

    const calls = upserts(s);
    const done = await replay(s.infra, request);
    expect(done.selected).toBe(2);
    for (const [i, phone] of after.entries()) {
      await waitFor(
        'the later person mapped again',
        async () => (await mappingOf(s, phone))?.ghl_contact_id === ghlIds[i],
      );
    }
    await waitFor('contact-sync at the end of its replay topic', () =>
      caughtUp(s.infra, 'contact-sync', ['contact-sync.replay']),
    );
    expect(upserts(s)).toBe(calls + 2);
    for (const phone of before) expect(await mappingOf(s, phone)).toBeUndefined();
    for (const phone of after)
      expect(s.simulators!.ghl.contacts().filter((c) => c.phone === phone)).toHaveLength(1);
    const copies = planned.sample.map((r) => replayedId(runId, r.replayOf));
    await waitFor('the outcomes of the copies', async () => {
      const rows = await s.database.db
        .selectFrom('sync_log')
        .select('event_id')
        .where('event_id', 'in', copies)
        .execute();
      return new Set(rows.map((r) => r.event_id)).size === copies.length;
    });

    // The same run again (a command redelivered), even with the mappings lost once more: the copies carry the
    // same ids, contact-sync has processed them, and nothing is applied twice.
    await s.database.db.deleteFrom('contact_mappings').execute();
    await replay(s.infra, request);
    expect((await readTopic(s.infra.kafka, replayTopic)).length).toBe(4);
    await waitFor('contact-sync at the end of its replay topic', () =>
      caughtUp(s.infra, 'contact-sync', ['contact-sync.replay']),
    );
    await s.settle();
    expect(upserts(s)).toBe(calls + 2);
    for (const phone of after) expect(await mappingOf(s, phone)).toBeUndefined();

    // A new run is a new choice: it applies again.
    await replay(s.infra, { ...request, runId: crypto.randomUUID() });
    for (const [i, phone] of after.entries()) {
      await waitFor(
        'mapped by the new run',
        async () => (await mappingOf(s, phone))?.ghl_contact_id === ghlIds[i],
      );
    }
    expect(upserts(s)).toBe(calls + 4);
  });

  it('does not re-create a GHL contact deleted since: the copies meet the closed mapping', async () => {
    system = await startTestSystem();
    const s = system;
    await new Promise((r) => setTimeout(r, 20)); // T strictly before the person's records
    const from = new Date();
    const [phone] = await mappedPeople(s, 1);
    const mapping = (await mappingOf(s, phone!))!;
    await contactToolsFor(s).ghlClient.deleteContact(mapping.ghl_contact_id!);
    await waitFor('the mapping closed', async () => (await mappingOf(s, phone!))?.deleted_in_ghl_at);
    await s.settle();
    const calls = upserts(s);

    const request = { runId: crypto.randomUUID(), group: 'contact-sync' as const, from };
    const planned = await replay(s.infra, { ...request, dryRun: true });
    expect(planned.byType['contact.created']).toBeGreaterThan(0);
    await replay(s.infra, request);
    const copies = planned.sample.map((r) => replayedId(request.runId, r.replayOf));
    await waitFor('the outcomes of the copies', async () => {
      const rows = await s.database.db
        .selectFrom('sync_log')
        .select('event_id')
        .where('event_id', 'in', copies)
        .execute();
      return new Set(rows.map((r) => r.event_id)).size === copies.length;
    });
    await waitFor('contact-sync at the end of its replay topic', () =>
      caughtUp(s.infra, 'contact-sync', ['contact-sync.replay']),
    );
    await s.settle();
    expect(upserts(s)).toBe(calls);
    expect(s.simulators!.ghl.contacts().filter((c) => c.phone === phone)).toEqual([]);
    expect((await mappingOf(s, phone!))?.deleted_in_ghl_at).not.toBeNull();
  });
});
