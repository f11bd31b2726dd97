import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRule } from '../src/domain/rules.ts';
import { type ListFixture, startListFixture } from './fixture.ts';

// Aloware keeps one contact per phone, while GHL (with "allow duplicate contacts") may hold two contacts with the
// same number.
const HOT = 5101;
const WARM = 5102;
const rules: ListRule[] = [
  { tag: 'hot', target: { kind: 'list', listId: HOT }, position: 'bottom', excludeDnd: true },
  { tag: 'warm', target: { kind: 'list', listId: WARM }, position: 'bottom', excludeDnd: true },
];
let f: ListFixture;

beforeAll(async () => {
  f = await startListFixture(rules);
  f.ghl.setLocationSettings(f.ghl.locationId, { allowDuplicates: true });
});
afterAll(async () => {
  await f?.close();
});

describe('two GHL contacts with one phone (one Aloware contact)', () => {
  it('one losing its tag keeps the other’s list: the remove-from-all re-adds what the other holds', async () => {
    const phone = '+12025550311';
    const first = f.ghl.seedContact({ firstName: 'Ann', phone, tags: ['hot'] }, { silent: true });
    const second = f.ghl.seedContact({ firstName: 'Ann B', phone, tags: ['warm'] }, { silent: true });
    expect(first.id).not.toBe(second.id);
    await f.observe(first.id, phone, ['hot']);
    await f.observe(second.id, phone, ['warm']);
    expect(f.listsOf(phone)).toEqual([HOT, WARM]);

    f.ghl.editContact(second.id, { tags: [] });
    await f.observe(second.id, phone, []);
    // The first contact still has the hot tag: L(hot) must still hold the number.
    expect(f.listsOf(phone)).toEqual([HOT]);
  });
});
