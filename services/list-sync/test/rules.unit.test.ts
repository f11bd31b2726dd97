import { describe, expect, it } from 'vitest';
import { parseListRules } from '../src/domain/rules.ts';

describe('LIST_SYNC_RULES', () => {
  it('reads tag=listId and tag=owner with options, tags lower-cased and free to hold colons', () => {
    expect(parseListRules('Hot Lead=4101:top; callback=owner ;Call: no answer=4102:include-dnd')).toEqual({
      rules: [
        { tag: 'hot lead', target: { kind: 'list', listId: 4101 }, position: 'top', excludeDnd: true },
        { tag: 'callback', target: { kind: 'owner' }, position: 'bottom', excludeDnd: true },
        {
          tag: 'call: no answer',
          target: { kind: 'list', listId: 4102 },
          position: 'bottom',
          excludeDnd: false,
        },
      ],
    });
    expect(parseListRules('')).toEqual({ rules: [] });
  });

  it('refuses every bad rule, naming it', () => {
    const parsed = parseListRules('hot=abc;=12;warm=12:sideways;hot=13');
    expect(parsed).toEqual({
      errors: [
        '"hot=abc": the list id must be a positive number',
        '"=12": expected tag=listId or tag=owner',
        '"warm=12:sideways": unknown option sideways (top, bottom, include-dnd)',
        '"hot=13": tag "hot" has a rule already',
      ],
    });
  });
});
