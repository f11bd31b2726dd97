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
    system = await startTestSystem({ listSync: { rules, rebuildEveryMs: 0 } });
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

  it('never lifts a DNC set in Aloware when it heals the DND drift it finds', async () => {
    system = await startTestSystem();
    const s = system;
    const [person] = seedExistingGhlContacts(s, 1);
    await requestCommand(s, { type: 'backfill.requested', data: { source: 'ghl' } });
    const aloware = s.simulators!.aloware;
    await waitFor('the person in Aloware', () => aloware.contact(person!.phone!) !== undefined);
    await waitFor('GHL events handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();

    // An agent marks the person DNC in Aloware, and that webhook never comes (Aloware's webhooks stay off).
    aloware.setWebhook(undefined);
    aloware.setDnc(person!.phone!, true);
    const healed = await reconcile(s, true);
    expect(healed.drift.get(person!.id)).toMatch(/^drift: dnd_differs/);
    await waitFor('the heal handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();
    expect(aloware.contact(person!.phone!)?.is_dnc).toBe(true);
  });
});

describe('scheduled reconciliation and other tenants', () => {
  it('runs on its schedule without an operator, reporting only by default', async () => {
    system = await startTestSystem({ backfill: { reconcileEveryMs: 3_600_000 } });
    const s = system;
    const [missed] = seedExistingGhlContacts(s, 1);
    const run = await waitFor('a scheduled run finished', async () => {
      const row = await watermark(s, 'reconcile');
      return row?.finished_at ? row : undefined;
    });
    // The first run is claimed at start: it may or may not see the contact seeded just after.
    expect(run.counts?.healed).toBe(0);
    expect(run.counts?.missing_mapping ?? 0).toBe(run.counts?.read);
    expect(await mappedGhlIds(s)).not.toContain(missed!.id);
    const claim = await s.database.db
      .selectFrom('sync_state')
      .select(['tenant', 'last_run_at'])
      .where('entity_type', '=', `schedule:reconcile:${s.tools.ghl.locationId}`)
      .executeTakeFirst();
    expect(claim?.tenant).toBe(s.tools.ghl.locationId);
  });

  it('refuses a command for a tenant this deployment does not serve, saying why', async () => {
    system = await startTestSystem();
    const s = system;
    const response = await fetch(`${s.ingressUrl}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'backfill.requested',
        tenant: 'another-location',
        data: { source: 'ghl' },
      }),
    });
    const { command } = (await response.json()) as { command: { id: string } };
    const refused = await waitFor('the refusal in sync_log', () =>
      s.database.db
        .selectFrom('sync_log')
        .select(['status', 'error_message'])
        .where('event_id', '=', command.id)
        .where('service', '=', 'backfill')
        .executeTakeFirst(),
    );
    expect(refused).toEqual({
      status: 'skipped',
      error_message: `unknown_tenant: this deployment serves GHL location ${s.tools.ghl.locationId}`,
    });
    expect(s.simulators!.ghl.requests.filter((r) => r.path.endsWith('/contacts/search'))).toHaveLength(0);
  });
});
