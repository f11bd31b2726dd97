import { describe, expect, it } from 'vitest';
import { type ContactFacts, type MemberState, planMembership } from '../src/domain/membership.ts';
import type { ListRule } from '../src/domain/rules.ts';

const rule = (tag: string, listId: number, extra: Partial<ListRule> = {}): ListRule => ({
  tag,
  target: { kind: 'list', listId },
  position: 'bottom',
  excludeDnd: true,
  ...extra,
});
const rules = [rule('hot', 1), rule('warm', 2), rule('vip', 3, { position: 'top', excludeDnd: false })];
const phone = '+12025550100';
const facts = (tags: string[], more: Partial<ContactFacts> = {}): ContactFacts => ({
  phone,
  tags,
  callsBlocked: false,
  deleted: false,
  ...more,
});
const inLists = (listIds: number[], more: Partial<MemberState> = {}): MemberState => ({
  facts: facts([]),
  applied: { phone, listIds, ownerDialer: false },
  removingPhone: null,
  ...more,
});
const add = (listIds: number[], position: 'top' | 'bottom' = 'bottom') => ({
  kind: 'add',
  phone,
  listIds,
  ownerDialer: false,
  position,
});
const removeAll = (p = phone) => ({ kind: 'remove_all', phone: p });

describe('planMembership', () => {
  it('a remove-from-all re-adds what another GHL contact with the same phone holds, beyond its own re-add', () => {
    const other = { phone, listIds: [1, 2], ownerDialer: false };
    const plan = planMembership(inLists([2]), facts(['hot']), rules, 'all_lists', [other]);
    expect(plan.writes).toEqual([removeAll(), add([1]), add([2])]);
    expect(plan.next).toEqual({ phone, listIds: [1], ownerDialer: false });
    // Another contact on another phone is not touched.
    const elsewhere = { ...other, phone: '+12025550199' };
    expect(planMembership(inLists([2]), facts([]), rules, 'all_lists', [elsewhere]).writes).toEqual([
      removeAll(),
    ]);
  });

  it('adds only the new lists, in one call per position', () => {
    expect(planMembership(null, facts(['hot', 'vip', 'other']), rules).writes).toEqual([
      add([3], 'top'),
      add([1]),
    ]);
    expect(planMembership(inLists([1]), facts(['hot', 'warm']), rules).writes).toEqual([add([2])]);
  });

  it('writes nothing when the lists are right, and for contacts no rule matches', () => {
    expect(planMembership(inLists([1, 2]), facts(['warm', 'hot']), rules)).toMatchObject({
      writes: [],
      skips: [],
    });
    expect(planMembership(null, facts(['other']), rules)).toEqual({
      writes: [],
      rebuilds: [],
      next: null,
      skips: [],
    });
  });

  it('removes from all lists, then re-adds the lists the contact stays in', () => {
    const plan = planMembership(inLists([1, 2]), facts(['warm']), rules);
    expect(plan.writes).toEqual([removeAll(), add([2])]);
    expect(plan.next).toEqual({ phone, listIds: [2], ownerDialer: false });
  });

  it('takes a DND contact out of the lists that exclude DND, and says why', () => {
    const plan = planMembership(inLists([1, 3]), facts(['hot', 'vip'], { callsBlocked: true }), rules);
    expect(plan.writes).toEqual([removeAll(), add([3], 'top')]);
    expect(plan.skips).toEqual(['dnd']);
  });

  it('takes a deleted contact out of every list', () => {
    const plan = planMembership(inLists([1]), facts([], { deleted: true, phone: null }), rules);
    expect(plan).toEqual({ writes: [removeAll()], rebuilds: [], next: null, skips: [] });
  });

  it('moves a changed phone: the old number out, the new one in', () => {
    const plan = planMembership(inLists([1]), facts(['hot'], { phone: '+12025550199' }), rules);
    expect(plan.writes).toEqual([removeAll(), { ...add([1]), phone: '+12025550199' }]);
  });

  it('a tagged contact without a phone is in no list, reported', () => {
    expect(planMembership(null, facts(['hot'], { phone: null }), rules)).toEqual({
      writes: [],
      rebuilds: [],
      next: null,
      skips: ['no_phone'],
    });
  });

  it('repairs a removal a crash left unconfirmed: remove again, re-add everything', () => {
    const plan = planMembership(inLists([1, 2], { removingPhone: phone }), facts(['hot', 'warm']), rules);
    expect(plan.writes).toEqual([removeAll(), add([1, 2])]);
  });

  it("adds to the owner's power dialer for an owner rule", () => {
    const owner: ListRule = { tag: 'callback', target: { kind: 'owner' }, position: 'top', excludeDnd: true };
    expect(planMembership(null, facts(['callback']), [owner]).writes).toEqual([
      { kind: 'add', phone, listIds: [], ownerDialer: true, position: 'top' },
    ]);
  });
});

describe('planMembership, LIST_SYNC_REMOVAL=configured_only', () => {
  const only = (state: MemberState | null, f: ContactFacts, r = rules) =>
    planMembership(state, f, r, 'configured_only');

  it('never removes from all lists: the list the contact leaves is named for a rebuild', () => {
    const plan = only(inLists([1, 2]), facts(['warm']));
    expect(plan).toEqual({
      writes: [],
      rebuilds: [1],
      next: { phone, listIds: [2], ownerDialer: false },
      skips: [],
    });
  });

  it('DND, deletion and a phone change leave by rebuilds too; the new number is added', () => {
    expect(only(inLists([1, 3]), facts(['hot', 'vip'], { callsBlocked: true }))).toMatchObject({
      writes: [],
      rebuilds: [1],
      skips: ['dnd'],
    });
    expect(only(inLists([1]), facts([], { deleted: true, phone: null })).rebuilds).toEqual([1]);
    const moved = only(inLists([1]), facts(['hot'], { phone: '+12025550199' }));
    expect(moved.rebuilds).toEqual([1]);
    expect(moved.writes).toEqual([{ ...add([1]), phone: '+12025550199' }]);
  });

  it("an owner's power dialer cannot be cleared alone: leaving it is reported, not done", () => {
    const owner: ListRule = { tag: 'callback', target: { kind: 'owner' }, position: 'top', excludeDnd: true };
    const state = { ...inLists([]), applied: { phone, listIds: [], ownerDialer: true } };
    expect(only(state, facts([]), [owner])).toEqual({
      writes: [],
      rebuilds: [],
      next: null,
      skips: ['owner_dialer_removal_needs_remove_from_all'],
    });
  });

  it('additions are as in the default mode', () => {
    expect(only(inLists([1]), facts(['hot', 'warm'])).writes).toEqual([add([2])]);
  });
});
