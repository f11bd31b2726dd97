import { EventEnvelope } from '@df/contracts';
import type { GhlContact } from '@df/ghl-client';
import { describe, expect, it } from 'vitest';
import { ghlSnapshotEvent } from '../src/domain/ghl-snapshot.ts';

const contact = {
  id: 'c1',
  locationId: 'loc',
  firstName: 'Ada',
  email: ' Ada@Example.com',
  phone: '(202) 555-0100',
  dnd: false,
  dndSettings: { SMS: { status: 'active' } },
  tags: ['hot'],
  customFields: [],
  dateAdded: '2026-11-01T00:00:00.000Z',
  dateUpdated: '2026-11-02T00:00:00.000Z',
} as unknown as GhlContact;
const ctx = { tenant: 'loc', runId: 'run-1', now: new Date('2026-12-01T00:00:00Z') };

describe('ghlSnapshotEvent', () => {
  it("is a valid GHL contact event, keyed and timed like the contact's webhooks, marked as backfill", () => {
    const event = EventEnvelope.parse(ghlSnapshotEvent(contact, ctx));
    expect(event).toMatchObject({
      type: 'contact.updated',
      source: 'ghl',
      tenant: 'loc',
      naturalKey: '+12025550100',
      occurredAt: '2026-11-02T00:00:00.000Z',
      backfill: { runId: 'run-1' },
      data: { ghlContactId: 'c1', email: 'ada@example.com', dndChannels: { sms: 'active' }, tags: ['hot'] },
    });
  });

  it('repeats its id for the same contact version in another run, and changes it when the contact changed', () => {
    const first = ghlSnapshotEvent(contact, ctx).id;
    expect(ghlSnapshotEvent(contact, { ...ctx, runId: 'run-2', now: new Date() }).id).toBe(first);
    expect(ghlSnapshotEvent({ ...contact, dateUpdated: '2026-11-03T00:00:00.000Z' }, ctx).id).not.toBe(first);
    expect(ghlSnapshotEvent(contact, { ...ctx, tenant: 'other' }).id).not.toBe(first);
  });
});
