import { rebuild } from '@df/replay-service';
import { afterEach, describe, expect, it } from 'vitest';
import { caughtUp } from './rebuild-history.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';
import { contactToolsFor } from './tools-for.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

let phoneCounter = 600;
const nextPhone = () => `+1202555${String(phoneCounter++).padStart(4, '0')}`;

const mappings = (s: TestSystem) =>
  s.database.db
    .selectFrom('contact_mappings')
    .select([
      'id',
      'tenant',
      'aloware_contact_id',
      'ghl_contact_id',
      'phone_number',
      'email',
      'deleted_in_ghl_at',
      'mapped_version',
      'published_version',
      'field_states',
    ])
    .orderBy('id')
    .execute();

/** Every webhook answered, every ledger row decided, every mapping relayed, and the audit at the log's end. */
async function quiet(s: TestSystem) {
  await s.settle();
  await waitFor('a quiet system', async () => {
    const pending = await s.database.db
      .selectFrom('webhook_events')
      .select('id')
      .where('status', '=', 'pending')
      .execute();
    const unrelayed = (await mappings(s)).filter((m) => m.mapped_version !== m.published_version);
    return (
      pending.length === 0 &&
      unrelayed.length === 0 &&
      (await caughtUp(s.infra, 'audit', ['ghl.events.v1', 'aloware.events.v1', 'sync.outcomes.v1']))
    );
  });
}

const toolCalls = (s: TestSystem) => {
  const sims = s.simulators!;
  return sims.ghl.requests.length + sims.aloware.requests.length + sims.texting.requests.length;
};

describe('rebuilding projections in a running system (real Kafka, registry, Postgres; simulated tools)', () => {
  it("rebuilds contact-sync's mappings from its contact.mapped facts and the audit from the log, calling no tool", async () => {
    system = await startTestSystem();
    const s = system;
    const phones = [nextPhone(), nextPhone(), nextPhone(), nextPhone()];
    for (const [i, phone] of phones.entries()) {
      s.simulators!.aloware.createContact({ phone_number: phone, first_name: `Rebuilt ${i}` });
    }
    const ghlIdOf = async (phone: string) =>
      (await mappings(s)).find((m) => m.phone_number === phone)?.ghl_contact_id ?? undefined;
    const ghlIds = await waitFor('every person mapped', async () => {
      const ids = await Promise.all(phones.map(ghlIdOf));
      return ids.every(Boolean) ? (ids as string[]) : undefined;
    });
    s.simulators!.ghl.editContact(ghlIds[1]!, { firstName: 'Edited in GHL' });
    await waitFor(
      'the edit in Aloware',
      () => s.simulators!.aloware.contact(phones[1]!)?.first_name === 'Edited in GHL',
    );
    await contactToolsFor(s).ghlClient.deleteContact(ghlIds[3]!);
    await waitFor('the mapping closed', async () =>
      (await mappings(s)).some((m) => m.deleted_in_ghl_at !== null),
    );
    await quiet(s);
    const live = await mappings(s);
    const calls = toolCalls(s);

    const [dry] = await rebuild(s.infra, 'contact-sync', { dryRun: true });
    expect(dry!.differences).toEqual([{ table: 'contact_mappings', differing: 0, extra: 0 }]);

    // A restore from an old backup lost one mapping; a bad manual fix pointed another at the wrong GHL contact.
    const [lost, corrupted] = [
      live.find((m) => m.phone_number === phones[0])!,
      live.find((m) => m.phone_number === phones[1])!,
    ];
    await s.database.db.deleteFrom('contact_mappings').where('id', '=', lost.id).execute();
    await s.database.db
      .updateTable('contact_mappings')
      .set({ ghl_contact_id: 'wrong' })
      .where('id', '=', corrupted.id)
      .execute();

    const [mappingsRebuilt] = await rebuild(s.infra, 'contact-sync');
    expect(mappingsRebuilt!.differences).toEqual([{ table: 'contact_mappings', differing: 2, extra: 0 }]);
    const [auditRebuilt] = await rebuild(s.infra, 'audit');
    expect(auditRebuilt!.differences.every((d) => d.differing === 0 && d.extra === 0)).toBe(true);
    expect(toolCalls(s)).toBe(calls);

    const after = await mappings(s);
    const identity = ({ field_states: _f, deleted_in_ghl_at, ...m }: (typeof live)[number]) => ({
      ...m,
      closed: deleted_in_ghl_at !== null,
    });
    expect(after.map(identity)).toEqual(live.map(identity));
    // The repaired mapping kept contact-sync's working memory; the lost one starts without it.
    expect(after.find((m) => m.id === corrupted.id)!.field_states).toEqual(corrupted.field_states);
    expect(after.find((m) => m.id === lost.id)!.field_states).toEqual({});

    // The restored mapping is used: an Aloware edit reaches the same GHL contact, nobody is created twice.
    s.simulators!.aloware.updateContact(phones[0]!, { last_name: 'Restored' });
    await waitFor('the edit in GHL', () => s.simulators!.ghl.contact(ghlIds[0]!)?.lastName === 'Restored');
    expect(s.simulators!.ghl.contacts().filter((c) => c.phone === phones[0])).toHaveLength(1);
  });
});
