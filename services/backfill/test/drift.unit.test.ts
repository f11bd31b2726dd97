import type { GhlContact } from '@df/ghl-client';
import { describe, expect, it } from 'vitest';
import {
  type AlowareView,
  compareContact,
  expectedLists,
  type ListRuleView,
  tagsToRebuild,
} from '../src/domain/drift.ts';

const ghl = (over: Partial<GhlContact> = {}): GhlContact =>
  ({
    id: 'g1',
    locationId: 'loc',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+12025550100',
    tags: [],
    customFields: [],
    ...over,
  }) as GhlContact;
const aloware = (over: Partial<AlowareView> = {}): AlowareView => ({
  id: '7',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  isDnc: false,
  isOptedOut: false,
  tags: [],
  ...over,
});
const mapped = { alowareContactId: '7', deletedInGhl: false };
const rules: ListRuleView[] = [
  { tag: 'hot', target: { kind: 'list', listId: 1 }, excludeDnd: true },
  { tag: 'vip', target: { kind: 'list', listId: 2 }, excludeDnd: false },
  { tag: 'callback', target: { kind: 'owner' }, excludeDnd: true },
];
const kinds = (drift: ReturnType<typeof compareContact>) =>
  drift.map((d) => `${d.kind}: ${d.details.join(',')}`);

describe('compareContact', () => {
  it('finds nothing when the tools and the projections agree', () => {
    expect(compareContact({ ghl: ghl(), mapping: mapped, aloware: aloware(), member: null }, rules)).toEqual(
      [],
    );
  });

  it('reports a contact with a phone or e-mail and no mapping, a closed mapping, and one Aloware lacks', () => {
    const none = { ghl: ghl(), mapping: null, aloware: undefined, member: null };
    expect(kinds(compareContact(none, rules))).toEqual(['missing_mapping: no_mapping']);
    const closed = { ...none, mapping: { ...mapped, deletedInGhl: true } };
    expect(kinds(compareContact(closed, rules))).toEqual(['missing_mapping: mapping_closed']);
    const gone = { ...none, mapping: mapped, aloware: null };
    expect(kinds(compareContact(gone, rules))).toEqual(['missing_mapping: not_in_aloware']);
    const nothingToMap = { ...none, ghl: ghl({ phone: undefined, email: undefined }) };
    expect(compareContact(nothingToMap, rules)).toEqual([]);
  });

  it('names differing fields, case and spaces aside; an empty side is no drift', () => {
    const observed = {
      ghl: ghl({ firstName: 'Ada ', lastName: 'Byron', email: 'ADA@example.com' }),
      mapping: mapped,
      aloware: aloware({ email: null }),
      member: null,
    };
    expect(kinds(compareContact(observed, rules))).toEqual(['field_differs: lastName']);
  });

  it('compares call blocks both ways and text blocks only toward Aloware, which cannot lift one', () => {
    const base = { mapping: mapped, member: null };
    const dnd = compareContact({ ...base, ghl: ghl({ dnd: true }), aloware: aloware() }, rules);
    expect(kinds(dnd)).toEqual(['dnd_differs: call,sms']);
    const dnc = compareContact(
      { ...base, ghl: ghl(), aloware: aloware({ isDnc: true, isOptedOut: true }) },
      rules,
    );
    expect(kinds(dnc)).toEqual(['dnd_differs: call']);
    const smsTagged = compareContact(
      {
        ...base,
        ghl: ghl({ dndSettings: { SMS: { status: 'active' } } } as unknown as Partial<GhlContact>),
        aloware: aloware({ tags: ['sms-opted-out'] }),
      },
      rules,
    );
    expect(smsTagged).toEqual([]);
  });

  it('compares the lists the rules want with what list-sync put the contact in', () => {
    const tagged = ghl({ tags: ['HOT', 'vip'] });
    const missing = compareContact({ ghl: tagged, mapping: mapped, aloware: aloware(), member: null }, rules);
    expect(kinds(missing)).toEqual(['list_membership_differs: missing_from:1,missing_from:2']);
    const extra = compareContact(
      {
        ghl: ghl({ tags: ['vip'] }),
        mapping: mapped,
        aloware: aloware(),
        member: { listIds: [1, 2, 99], ownerDialer: false },
      },
      rules,
    );
    // 99 is no rule's list: someone added it by hand, list-sync does not manage it.
    expect(kinds(extra)).toEqual(['list_membership_differs: extra_in:1']);
    expect(tagsToRebuild([...missing, ...extra], rules)).toEqual(['hot', 'vip']);
  });
});

describe('expectedLists', () => {
  it('keeps a call-blocked contact out of excluding lists, and a contact without a phone out of all', () => {
    expect(expectedLists(rules, ghl({ tags: ['hot', 'vip', 'callback'], dnd: true }))).toEqual({
      listIds: [2],
      ownerDialer: false,
    });
    expect(expectedLists(rules, ghl({ tags: ['callback'] }))).toEqual({ listIds: [], ownerDialer: true });
    expect(expectedLists(rules, ghl({ tags: ['hot'], phone: undefined }))).toBeNull();
  });
});
