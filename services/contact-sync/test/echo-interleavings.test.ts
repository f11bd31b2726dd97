import { randomUUID } from 'node:crypto';
import type { AlowareSimulator, GhlSimulator } from '@df/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../src/domain/snapshot.ts';
import { type ContactChange, type ContactSyncDeps, syncContact } from '../src/sync-contact.ts';
import { type ContactSyncFixture, startContactSyncFixture } from './tools-fixture.ts';

let fixture: ContactSyncFixture;
let ghlSim: GhlSimulator;
let alowareSim: AlowareSimulator;
let deps: ContactSyncDeps;
beforeAll(async () => {
  fixture = await startContactSyncFixture();
  ({ ghlSim, alowareSim } = fixture);
  deps = fixture.depsFor(fixture.database.db);
});
afterAll(() => fixture.close());

const cause = () => ({ id: randomUUID(), correlationId: randomUUID(), tenant: 'co-1' });

/**
 * A GHL contact no one mapped yet gets an SMS DND (a STOP): GHL sends ContactUpdate (the global `dnd` only) and
 * ContactDndUpdate (the channels), both stamped with the contact's `dateUpdated`, a moment ago.
 */
function optOutInGhl(phone: string) {
  const contact = ghlSim.seedContact(
    { firstName: 'Cy', phone, dndSettings: { SMS: { status: 'active' } } },
    { silent: true },
  );
  // The pipeline took a while (a loaded machine): the change is older than the second Aloware stamps next.
  const at = new Date(Date.now() - 1500).toISOString();
  const ghl = (snapshot: Snapshot): ContactChange => ({
    cause: cause(),
    side: 'ghl',
    sourceId: contact.id,
    snapshot: { firstName: 'Cy', phone, ...snapshot },
    at,
  });
  return {
    contactId: contact.id,
    contactUpdate: ghl({ ghlDndAll: false }),
    dndUpdate: ghl({ ghlDndAll: false, callsBlocked: false, textsBlocked: true }),
  };
}

/**
 * Aloware's Contact-Created for the contact our first write made, as ingress reads it: the contact as created
 * (its consent at Aloware's defaults), at its `created_at` (whole seconds, no time of its own otherwise).
 */
async function alowareCreatedEcho(phone: string): Promise<ContactChange> {
  const created = alowareSim.contact(phone)!;
  const found = await deps.tools.aloware.findByPhone(phone);
  return {
    cause: cause(),
    side: 'aloware',
    sourceId: String(created.id),
    snapshot: { ...found!.snapshot, callsBlocked: false, textsBlocked: false },
    at: new Date(`${String(created.created_at).replace(' ', 'T')}Z`).toISOString(),
  };
}

const optedOutInAloware = (phone: string) =>
  alowareSim.contact(phone)?.tags.some((t) => t.name === 'sms-opted-out') ?? false;

describe('contact-sync: the echo of our first write and the next GHL change, in either order', () => {
  it('carries the opt-out when the echo of the create is decided before the DND change', async () => {
    const phone = '+12025550171';
    const { contactUpdate, dndUpdate } = optOutInGhl(phone);
    await syncContact(contactUpdate, deps);
    await syncContact(await alowareCreatedEcho(phone), deps);
    await syncContact(dndUpdate, deps);
    expect(optedOutInAloware(phone)).toBe(true);
  });

  it('carries the opt-out, and keeps GHL’s DND, when the echo of the create comes after the DND change', async () => {
    const phone = '+12025550172';
    const { contactId, contactUpdate, dndUpdate } = optOutInGhl(phone);
    await syncContact(contactUpdate, deps);
    const echo = await alowareCreatedEcho(phone);
    await syncContact(dndUpdate, deps);
    await syncContact(echo, deps);
    expect(optedOutInAloware(phone)).toBe(true);
    expect(ghlSim.contact(contactId)?.dndSettings?.SMS?.status).toBe('active');
  });
});
