import { backfillAlowareCsv, backfillGhl, snapshotPublisher } from '@df/backfill';
import { createGhlClient } from '@df/ghl-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ghlTopicLag,
  mappedGhlIds,
  nextPhone,
  requestCommand,
  seedExistingGhlContacts,
  toolWrites,
  watermark,
} from './backfill-fixtures.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const ghl = (s: TestSystem, id: string) => s.simulators!.ghl.contact(id)!;

const finished = (row: { finished_at: Date | null } | undefined) => Boolean(row?.finished_at);

const searches = (s: TestSystem) =>
  s.simulators!.ghl.requests.filter((r) => r.path.endsWith('/contacts/search')).length;

describe('upstream backfill, end to end (real Kafka, registry, Postgres; simulated tools)', () => {
  it('maps every existing GHL contact once; a rerun publishes the same ids and writes nothing', async () => {
    // Larger batches than the default: this is about effects, not about live traffic's latency.
    system = await startTestSystem({ backfill: { batchSize: 50, maxLag: 100 } });
    const s = system;
    const contacts = seedExistingGhlContacts(s, 200);
    await requestCommand(s, { type: 'backfill.requested', data: { source: 'ghl' } });
    await waitFor('200 contacts in Aloware', () => s.simulators!.aloware.contacts().length >= 200, {
      timeoutMs: 110_000,
    });
    await waitFor('the backfill run finished', async () => finished(await watermark(s, 'ghl-contacts')));
    const first = await watermark(s, 'ghl-contacts');
    expect(first?.counts).toMatchObject({ read: 200, published: 200, total: 200 });
    expect(first?.tenant).toBe(s.simulators!.ghl.locationId);
    expect(new Set(await mappedGhlIds(s))).toEqual(new Set(contacts.map((c) => c.id)));
    const aloware = s.simulators!.aloware.contacts();
    expect(aloware).toHaveLength(200);
    expect(new Set(aloware.map((c) => c.phone_number)).size).toBe(200);
    await waitFor('GHL events all handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();
    const writesBefore = toolWrites(s);
    const noChange = () =>
      s.database.db
        .selectFrom('sync_log')
        .select('id')
        .where('service', '=', 'contact-sync')
        .where('error_message', '=', 'no_change')
        .execute();
    const noChangeBefore = (await noChange()).length;
    // Five contacts touched in GHL without a synced field changing: their snapshots get new ids and reach
    // contact-sync, which finds nothing to write. The other 195 repeat their ids and are dropped.
    for (const contact of contacts.slice(0, 5)) {
      ghl(s, contact.id).dateUpdated = new Date(Date.now() - 60_000).toISOString();
    }

    await requestCommand(s, { type: 'backfill.requested', data: { source: 'ghl' } });
    await waitFor('a second run finished', async () => {
      const again = await watermark(s, 'ghl-contacts');
      return again?.run_id !== first?.run_id && finished(again);
    });
    await waitFor('its snapshots all handled', async () => (await ghlTopicLag(s)) === 0);
    await s.settle();
    await waitFor(
      'the five touched contacts decided',
      async () => (await noChange()).length >= noChangeBefore + 5,
    );
    expect(toolWrites(s)).toEqual(writesBefore);
    expect(await mappedGhlIds(s)).toHaveLength(200);
    expect(s.simulators!.aloware.contacts()).toHaveLength(200);
  });

  it('a run that dies mid-way resumes from its watermark: only the remaining pages are read', async () => {
    system = await startTestSystem();
    const s = system;
    seedExistingGhlContacts(s, 250);
    const publisher = snapshotPublisher(s.infra);
    const ghl = createGhlClient({
      baseUrl: s.tools.ghl.baseUrl,
      locationId: s.tools.ghl.locationId,
      auth: { type: 'pit', token: s.simulators!.ghl.pitToken },
    });
    const tenant = s.tools.ghl.locationId;
    const deps = {
      db: s.database.db,
      ghl,
      publish: publisher.publish,
      headroom: async () => {},
      pageSize: 50,
      batchSize: 50,
    };
    try {
      const died = backfillGhl(tenant, {
        ...deps,
        afterPage: ({ counts }) => {
          if (counts.pages === 2) throw new Error('process killed after its second page');
        },
      });
      await expect(died).rejects.toThrow('killed');
      const left = await watermark(s, 'ghl-contacts');
      expect(left?.finished_at).toBeNull();
      expect(left?.counts).toMatchObject({ published: 100, pages: 2 });

      const before = searches(s);
      const resumed = await backfillGhl(tenant, deps);
      expect(resumed.resumed).toBe(true);
      expect(resumed.runId).toBe(left?.run_id);
      // Pages 3 to 5, and the empty page that says the end was reached.
      expect(searches(s) - before).toBe(4);
      expect(resumed.counts).toMatchObject({ published: 250, read: 250 });
      await waitFor('250 contacts in Aloware', () => s.simulators!.aloware.contacts().length >= 250, {
        timeoutMs: 90_000,
      });
      expect(s.simulators!.aloware.contacts()).toHaveLength(250);
      expect(await mappedGhlIds(s)).toHaveLength(250);
    } finally {
      await publisher.close();
    }
  });

  it('an Aloware CSV export reaches GHL through the Aloware path; bad rows come back with line and reason', async () => {
    system = await startTestSystem();
    const s = system;
    const [a, b, c] = [nextPhone(), nextPhone(), nextPhone()];
    const csv = [
      'ID,Phone_Number,First_Name,Last_Name,Email,Is_DNC,Updated_At,Notes',
      `101,${a},Ada,Lovelace,ada@example.com,0,2026-11-30 10:00:00,x`,
      `102,"${b}","Grace, M.",Hopper,,yes,,"a note`,
      'spanning two lines"',
      '103,not-a-phone,Bad,Row,,0,,',
      `104,${c},Short,Row`,
      `105,${c},Alan,Turing,alan@example.com,maybe,,`,
      `106,${c},Alan,Turing,alan@example.com,no,,`,
    ].join('\r\n');
    const publisher = snapshotPublisher(s.infra);
    try {
      const summary = await backfillAlowareCsv(csv, {
        db: s.database.db,
        publish: publisher.publish,
        tenant: 'aloware-company',
        exportedAt: new Date('2026-12-01T00:00:00Z'),
      });
      expect(summary.bad).toEqual([
        { line: 5, reason: 'phone_number is not a phone number' },
        { line: 6, reason: '4 fields where the header has 8' },
        { line: 7, reason: 'is_dnc is not true/false/1/0/yes/no' },
      ]);
      expect(summary).toMatchObject({ rows: 6, published: 3, ignoredColumns: ['notes'] });
    } finally {
      await publisher.close();
    }
    const ghl = s.simulators!.ghl;
    await waitFor('the three good rows in GHL', () =>
      [a, b, c].every((phone) => ghl.contacts().some((x) => x.phone === phone)),
    );
    const grace = ghl.contacts().find((x) => x.phone === b);
    expect(grace?.firstName).toBe('Grace, M.');
    // Aloware's DNC is GHL's call DND.
    expect(grace?.dnd || grace?.dndSettings?.Call?.status === 'active').toBe(true);
    await waitFor('mapped', async () => (await mappedGhlIds(s)).length === 3);
  });

  it('sets aside a CSV row with a field too large for an event, and imports the rest of the export', async () => {
    system = await startTestSystem();
    const s = system;
    const [a, b] = [nextPhone(), nextPhone()];
    // A hostile export: BOM, CRLF, quotes and a line break inside a field, and one field of 2 MB.
    const csv = [
      '\uFEFFid,phone_number,first_name,last_name',
      `201,${a},"Ann ""the first""","Line\r\nBreak"`,
      `202,${nextPhone()},${'x'.repeat(2_000_000)},Huge`,
      `203,${b},Bea,Last`,
    ].join('\r\n');
    const publisher = snapshotPublisher(s.infra);
    try {
      const summary = await backfillAlowareCsv(csv, {
        db: s.database.db,
        publish: publisher.publish,
        tenant: 'aloware-hostile',
        exportedAt: new Date('2026-12-01T00:00:00Z'),
      });
      expect(summary.bad).toEqual([{ line: 4, reason: expect.stringMatching(/^first_name is longer than/) }]);
      expect(summary).toMatchObject({ rows: 3, published: 2 });
    } finally {
      await publisher.close();
    }
    const ghlSim = s.simulators!.ghl;
    await waitFor('both good rows in GHL', () =>
      [a, b].every((phone) => ghlSim.contacts().some((x) => x.phone === phone)),
    );
    expect(ghlSim.contacts().find((x) => x.phone === a)?.firstName).toBe('Ann "the first"');
  });

  it('keeps to its share of the GHL budget while a live webhook still goes through', async () => {
    // 10 % of 100 per 10 s: the backfill may make 10 searches per 10 s, the live contact is not held up.
    system = await startTestSystem({ backfill: { share: 0.1, pageSize: 5 } });
    const s = system;
    seedExistingGhlContacts(s, 75);
    await requestCommand(s, { type: 'backfill.requested', data: { source: 'ghl' } });
    await waitFor('the first pages read', () => searches(s) >= 10);
    const live = nextPhone();
    s.simulators!.aloware.createContact({ phone_number: live, first_name: 'Live', last_name: 'Webhook' });
    await waitFor('the live contact in GHL', () =>
      s.simulators!.ghl.contacts().some((c) => c.phone === live),
    );
    expect((await watermark(s, 'ghl-contacts'))?.finished_at).toBeNull();
    await waitFor('the backfill finished', async () => finished(await watermark(s, 'ghl-contacts')), {
      timeoutMs: 60_000,
    });
    const times = s
      .simulators!.ghl.requests.filter((r) => r.path.endsWith('/contacts/search'))
      .map((r) => r.at);
    expect(times).toHaveLength(16);
    const busiestWindow = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 10_000).length));
    expect(busiestWindow).toBeLessThanOrEqual(10);
  });
});
