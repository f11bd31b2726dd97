import { describe, expect, it } from 'vitest';
import { type FieldStates, mergedSnapshot, mergeFields } from '../src/domain/merge.ts';
import { changedFields, consentOf, fingerprint, snapshotOf } from '../src/domain/snapshot.ts';

const T1 = '2026-03-02T15:00:00.000Z';
const T2 = '2026-03-02T15:00:05.000Z';

describe('mergeFields: the default conflict policy', () => {
  it('takes the newer source timestamp, whichever order the events arrive in', () => {
    const older = { firstName: 'Ada' };
    const newer = { firstName: 'Ada Lovelace' };
    const inOrder = mergeFields(mergeFields({}, older, 'aloware', T1).fields, newer, 'ghl', T2);
    const reversed = mergeFields(mergeFields({}, newer, 'ghl', T2).fields, older, 'aloware', T1);
    expect(mergedSnapshot(inOrder.fields)).toEqual({ firstName: 'Ada Lovelace' });
    expect(mergedSnapshot(reversed.fields)).toEqual({ firstName: 'Ada Lovelace' });
    expect(reversed.decisions).toEqual([
      { field: 'firstName', kept: 'Ada Lovelace', rejected: 'Ada', reason: 'stale' },
    ]);
  });

  it('never lets an empty value erase a filled one', () => {
    const filled = mergeFields({}, { email: 'ada@example.com' }, 'ghl', T1).fields;
    const result = mergeFields(filled, { email: '' }, 'aloware', T2);
    expect(mergedSnapshot(result.fields)).toEqual({ email: 'ada@example.com' });
    expect(result.decisions[0]?.reason).toBe('empty_never_erases');
  });

  it('lets an owned field be changed by its owner only', () => {
    const policy = { owners: { email: 'ghl' as const } };
    const start = mergeFields({}, { email: 'ada@example.com' }, 'ghl', T1, policy).fields;
    const fromAloware = mergeFields(start, { email: 'other@example.com' }, 'aloware', T2, policy);
    expect(fromAloware.decisions[0]?.reason).toBe('owned_by_other_side');
    const fromGhl = mergeFields(start, { email: 'new@example.com' }, 'ghl', T2, policy);
    expect(mergedSnapshot(fromGhl.fields).email).toBe('new@example.com');
  });

  it('refreshes the time of an unchanged value so a stale different value cannot win later', () => {
    let fields: FieldStates = mergeFields({}, { city: 'Austin' }, 'aloware', T1).fields;
    fields = mergeFields(fields, { city: 'Austin' }, 'ghl', T2).fields;
    const stale = mergeFields(fields, { city: 'Boston' }, 'aloware', '2026-03-02T15:00:03.000Z');
    expect(mergedSnapshot(stale.fields).city).toBe('Austin');
  });
});

describe('snapshots', () => {
  it('leave out what the source did not say and fingerprint independently of key order', () => {
    const snapshot = snapshotOf(
      { firstName: ' Ada ', lastName: null, email: 'ada@example.com', dnd: false } as never,
      'ghl',
    );
    // A ContactUpdate (no channel settings) says nothing about the channels, only about the global DND.
    expect(snapshot).toEqual({ firstName: 'Ada', email: 'ada@example.com', ghlDndAll: false });
    expect(fingerprint({ email: 'a', firstName: 'b' })).toBe(fingerprint({ firstName: 'b', email: 'a' }));
  });

  it('read consent per channel: GHL global DND blocks all, a channel status blocks its channel only', () => {
    const ghl = (data: object) =>
      consentOf({ dnd: null, dndChannels: null, optedOut: null, tags: null, ...data }, 'ghl', 't');
    expect(ghl({ dnd: true, dndChannels: { call: 'inactive' } })).toEqual({
      ghlDndAll: true,
      callsBlocked: true,
      textsBlocked: true,
    });
    expect(ghl({ dnd: false, dndChannels: { sms: 'active' } })).toEqual({
      ghlDndAll: false,
      callsBlocked: false,
      textsBlocked: true,
    });
    expect(ghl({ dndChannels: { call: 'permanent' } })).toEqual({ callsBlocked: true });
    // GHL's ContactUpdate: `dnd` without the channel settings.
    expect(ghl({ dnd: false })).toEqual({ ghlDndAll: false });
    expect(ghl({})).toEqual({});
    const aloware = (data: object) =>
      consentOf(
        { dnd: null, dndChannels: null, optedOut: null, tags: null, ...data },
        'aloware',
        'sms-opted-out',
      );
    expect(aloware({ dnd: true, optedOut: false })).toEqual({ callsBlocked: true, textsBlocked: false });
    expect(aloware({ optedOut: false, tags: ['sms-opted-out'] })).toEqual({ textsBlocked: true });
  });

  it('find only the fields a side does not already hold', () => {
    expect(changedFields({ firstName: 'Ada', email: 'a@x.io' }, { firstName: 'Ada' })).toEqual({
      email: 'a@x.io',
    });
    expect(changedFields({ firstName: 'Ada' }, { firstName: 'Ada' })).toEqual({});
  });
});
