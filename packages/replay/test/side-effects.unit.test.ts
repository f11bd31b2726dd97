import { describe, expect, it } from 'vitest';
import { replayedId, selects } from '../src/side-effects.ts';

const event = {
  id: '6f1c1a52-7d43-4f7e-9a36-0f1e4c1d2b3a',
  type: 'contact.updated',
  tenant: 'loc-1',
  entity: { id: 'ghl-1' },
};

describe('replay with side effects: what a run selects and what its copies are called', () => {
  it('selects by tenant, entity and type, every given one having to match', () => {
    expect(selects(undefined, event)).toBe(true);
    expect(selects({ tenant: 'loc-1', entityId: 'ghl-1', types: ['contact.updated'] }, event)).toBe(true);
    expect(selects({ tenant: 'loc-2' }, event)).toBe(false);
    expect(selects({ entityId: 'ghl-2' }, event)).toBe(false);
    expect(selects({ types: ['contact.deleted'] }, event)).toBe(false);
    // A contact.mapped fact names its mapping instead of an entity.
    expect(selects({ entityId: 'map-1' }, { ...event, entity: undefined, mappingId: 'map-1' })).toBe(true);
  });

  it('gives a copy the same id within a run and another in the next run', () => {
    expect(replayedId('run-1', event.id)).toBe(replayedId('run-1', event.id));
    expect(replayedId('run-1', event.id)).not.toBe(replayedId('run-2', event.id));
    expect(replayedId('run-1', event.id)).not.toBe(event.id);
  });
});
