import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

// LIST_SYNC_REMOVAL=configured_only: a removal never calls Aloware's remove-from-all; the list is rebuilt alone.
const HOT = 4301;
const WARM = 4302;
const UNMANAGED = 4399;
let s: TestSystem;

beforeAll(async () => {
  s = await startTestSystem({
    listSync: {
      rules: [
        { tag: 'hot', target: { kind: 'list', listId: HOT }, position: 'bottom', excludeDnd: true },
        { tag: 'warm', target: { kind: 'list', listId: WARM }, position: 'bottom', excludeDnd: true },
      ],
      rebuildEveryMs: 0,
      removal: 'configured_only',
      removalBatchMs: 1_000,
    },
  });
}, 120_000);
afterAll(() => s?.stop());

function listsOf(phone: string): number[] {
  const contact = s.simulators!.aloware.contact(phone);
  if (!contact) return [];
  return s
    .simulators!.aloware.lists()
    .filter((l) => l.contactIds.includes(contact.id))
    .map((l) => l.id)
    .sort((a, b) => a - b);
}
const same = (a: number[], b: number[]) => a.join(',') === b.join(',');
const alowareCalls = (path: string) => s.simulators!.aloware.requests.filter((r) => r.path.endsWith(path));

describe('list-sync, configured lists only (real Kafka, registry, Postgres; simulated tools)', () => {
  it('a contact that loses a tag leaves that list by its rebuild, and keeps its unmanaged and other lists', async () => {
    const leaving = '+12025550401';
    const staying = '+12025550402';
    const contact = s.simulators!.ghl.seedContact({
      firstName: 'Uma',
      phone: leaving,
      tags: ['hot', 'warm'],
    });
    s.simulators!.ghl.seedContact({ firstName: 'Vic', phone: staying, tags: ['hot'] });
    await waitFor(
      'both in the hot list',
      () => same(listsOf(leaving), [HOT, WARM]) && same(listsOf(staying), [HOT]),
    );
    // Someone puts the contact in a list no rule manages.
    s.simulators!.aloware.createList({ id: UNMANAGED, name: 'by hand' });
    const byHand = await fetch(`${s.tools.aloware.baseUrl}/api/v1/webhook/forms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        api_token: s.tools.aloware.apiToken,
        phone_number: leaving,
        list_ids: String(UNMANAGED),
        force_update: 1,
      }),
    });
    expect(byHand.status).toBe(200);

    s.simulators!.ghl.editContact(contact.id, { tags: ['warm'] });
    await waitFor('the removal deferred to the hot list’s rebuild', async () =>
      (await s.outcomes()).some(
        (o) => o.service === 'list-sync' && o.error_message?.startsWith(`removal from list ${HOT} deferred`),
      ),
    );
    // The hot list is empty while it refills (part of the cost): its state is read once the rebuild is done.
    await waitFor(
      'the rebuild’s summary',
      async () => (await s.outcomes()).some((o) => o.error_message?.startsWith('rebuild of "hot" (hard)')),
      { timeoutMs: 60_000 },
    );
    expect(listsOf(leaving)).toEqual([WARM, UNMANAGED]);
    expect(listsOf(staying)).toEqual([HOT]);
    // The cost paid instead: the hot list cleared alone and refilled; remove-from-all never called.
    expect(alowareCalls('/powerdialer-remove-contact-from-lists')).toEqual([]);
    expect(alowareCalls('/powerdialer-clear-list')).toHaveLength(1);
  });
});
