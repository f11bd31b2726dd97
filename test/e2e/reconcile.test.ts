import { afterEach, describe, expect, it } from 'vitest';
import {
  ghlTopicLag,
  mappedGhlIds,
  requestCommand,
  seedExistingGhlContacts,
  watermark,
} from './backfill-fixtures.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const HOT = 4101;
const rules = [
  {
    tag: 'hot',
    target: { kind: 'list' as const, listId: HOT },
    position: 'bottom' as const,
    excludeDnd: true,
  },
];

/** Runs a reconciliation through `commands.v1` and returns its counts and its drift outcomes (from sync_log). */
async function reconcile(s: TestSystem, heal: boolean) {
  const id = await requestCommand(s, { type: 'reconcile.requested', data: { heal } });
  const done = await waitFor('the reconciliation finished', async () => {
    const row = await watermark(s, 'reconcile');
    return row?.run_id === id && row.finished_at ? row : undefined;
  });
  const drift = done.counts?.drift ?? 0;
  const rows = await waitFor('its drift outcomes in sync_log', async () => {
    const found = await s.database.db
      .selectFrom('sync_log')
      .select(['entity_id', 'error_message', 'status'])
      .where('event_id', '=', id)
      .where('error_message', 'like', 'drift:%')
      .execute();
    return found.length === drift ? found : undefined;
  });
  return { counts: done.counts ?? {}, drift: new Map(rows.map((r) => [r.entity_id, r.error_message])) };
}

describe('reconciliation, end to end (real Kafka, registry, Postgres; simulated tools)', () => {
  it('finds each kind of drift, reports it, heals it through the owning services, then finds none', async () => {
    system = await startTestSystem({ consolePort: 0, listSync: { rules, rebuildEveryMs: 0 } });
    const s = system;
    const ghl = s.simulators!.ghl;
    const [fieldDrift, dndDrift, listDrift, unchanged] = seedExistingGhlContacts(s, 4);
    await requestCommand(s, { type: 'backfill.requested', data: { source: 'ghl' } });
    await waitFor('the four in Aloware', () => s.simulators!.aloware.contacts().length === 4);
    await waitFor('GHL events handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();

    // Changes whose webhooks never came (GHL's retries gave up): only a comparison can see them.
    const [unmapped] = seedExistingGhlContacts(s, 1);
    ghl.contact(fieldDrift!.id)!.firstName = 'Renamed';
    ghl.contact(dndDrift!.id)!.dnd = true;
    ghl.contact(listDrift!.id)!.tags = ['hot'];

    const found = await reconcile(s, false);
    expect(found.counts).toMatchObject({
      read: 5,
      looked_up: 5,
      drift: 4,
      missing_mapping: 1,
      field_differs: 1,
      dnd_differs: 1,
      list_membership_differs: 1,
      healed: 0,
    });
    expect(found.drift).toEqual(
      new Map([
        [unmapped!.id, 'drift: missing_mapping (no_mapping)'],
        [fieldDrift!.id, 'drift: field_differs (firstName)'],
        [dndDrift!.id, 'drift: dnd_differs (call, sms)'],
        [listDrift!.id, `drift: list_membership_differs (missing_from:${HOT})`],
      ]),
    );
    expect(found.drift.has(unchanged!.id)).toBe(false);
    expect(await mappedGhlIds(s)).not.toContain(unmapped!.id);

    const healed = await reconcile(s, true);
    expect(healed.counts).toMatchObject({ drift: 4, healed: 3, rebuilds: 1 });
    const aloware = s.simulators!.aloware;
    await waitFor(
      'the unmapped contact mapped and in Aloware',
      async () =>
        (await mappedGhlIds(s)).includes(unmapped!.id) && aloware.contact(unmapped!.phone!) !== undefined,
    );
    await waitFor(
      'the renamed contact renamed in Aloware',
      () => aloware.contact(fieldDrift!.phone!)?.first_name === 'Renamed',
    );
    await waitFor('the DND contact DNC in Aloware', () => aloware.contact(dndDrift!.phone!)?.is_dnc === true);
    await waitFor('the tagged contact in its list', () => {
      const contact = aloware.contact(listDrift!.phone!);
      return aloware.lists().some((l) => l.id === HOT && l.contactIds.includes(contact?.id ?? -1));
    });
    await waitFor('everything handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();

    const after = await reconcile(s, false);
    expect(after.counts).toMatchObject({ read: 5, drift: 0 });
  });
});
