/** A GHL tag that drives an Aloware power-dialer list, and how. */
export interface ListRule {
  /** Lower-case, as GHL sends tags. */
  tag: string;
  /** A list id (lists are created in Aloware's UI), or the contact owner's power dialer. */
  target: { kind: 'list'; listId: number } | { kind: 'owner' };
  position: 'top' | 'bottom';
  /** Contacts whose calls are blocked (GHL DND / Aloware DNC) stay out of the list. */
  excludeDnd: boolean;
}

const OPTIONS = ['top', 'bottom', 'include-dnd'] as const;

/**
 * Parses `LIST_SYNC_RULES`: rules separated by `;`, each `tag=listId[:option…]` or `tag=owner[:option…]`, with
 * options `top` / `bottom` (position, default bottom) and `include-dnd` (DND contacts stay in; default out).
 * E.g. `hot lead=4101:top;callback=owner`. The tag is what precedes the last `=` (tags may hold `:`).
 * Returns the rules, or the reasons the text is refused: a bad rule must stop the start, not drop a list.
 */
export function parseListRules(text: string): { rules: ListRule[] } | { errors: string[] } {
  const rules: ListRule[] = [];
  const errors: string[] = [];
  for (const raw of text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = raw.lastIndexOf('=');
    const tag = raw.slice(0, Math.max(at, 0)).trim().toLowerCase();
    const [target = '', ...options] = raw
      .slice(at + 1)
      .split(':')
      .map((s) => s.trim());
    if (at <= 0 || tag === '') {
      errors.push(`"${raw}": expected tag=listId or tag=owner`);
      continue;
    }
    const unknown = options.filter((o) => !(OPTIONS as readonly string[]).includes(o));
    if (unknown.length > 0)
      errors.push(`"${raw}": unknown option ${unknown.join(', ')} (${OPTIONS.join(', ')})`);
    const listId = /^\d+$/.test(target) ? Number(target) : Number.NaN;
    if (target !== 'owner' && !(listId > 0)) errors.push(`"${raw}": the list id must be a positive number`);
    if (rules.some((r) => r.tag === tag)) errors.push(`"${raw}": tag "${tag}" has a rule already`);
    rules.push({
      tag,
      target: target === 'owner' ? { kind: 'owner' } : { kind: 'list', listId },
      position: options.includes('top') ? 'top' : 'bottom',
      excludeDnd: !options.includes('include-dnd'),
    });
  }
  return errors.length > 0 ? { errors } : { rules };
}
