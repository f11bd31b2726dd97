import { describe, expect, it } from 'vitest';
import { newPerson, type PersonState } from '../src/domain/plan.ts';
import { mappingChanged } from '../src/mapped-facts.ts';

const mapped: PersonState = {
  ...newPerson('co-1'),
  alowareContactId: 'a-1',
  ghlContactId: 'g-1',
  phone: '+12025550142',
  email: 'ada@example.com',
};

describe('mappingChanged (when contact-sync publishes a contact.mapped fact)', () => {
  it('is true for a new mapping', () => {
    expect(mappingChanged(null, mapped)).toBe(true);
  });

  it.each([
    ['the Aloware id', { alowareContactId: 'a-2' }],
    ['the GHL id', { ghlContactId: null }],
    ['the phone', { phone: '+12025550143' }],
    ['the e-mail', { email: null }],
    ['the closed state', { deletedInGhlAt: '2026-12-01T10:00:00.000Z' }],
  ])('is true when %s changes', (_what, patch) => {
    expect(mappingChanged(mapped, { ...mapped, ...patch })).toBe(true);
  });

  it('is false for field merges, echo memory and a later delete time of a closed mapping', () => {
    const closed = { ...mapped, deletedInGhlAt: '2026-12-01T10:00:00.000Z' };
    expect(
      mappingChanged(mapped, {
        ...mapped,
        fields: { firstName: { value: 'Ada', at: '2026-12-01T00:00:00Z', source: 'aloware' } },
        pendingEchoes: { aloware: ['x'], ghl: [] },
        known: { aloware: { firstName: 'Ada' }, ghl: null },
      }),
    ).toBe(false);
    expect(mappingChanged(closed, { ...closed, deletedInGhlAt: '2026-12-02T10:00:00.000Z' })).toBe(false);
  });
});
