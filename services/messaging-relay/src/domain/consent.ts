/**
 * The SMS consent rules (architecture guarantee 10), with no I/O: what a consent change does to the registry
 * row of one tenant + phone, and whether a number may be texted.
 */

export type ConsentKind = 'keyword' | 'refused' | 'ghl_dnd';

export interface ConsentState {
  optedOut: boolean;
  /**
   * `keyword`: a STOP-family keyword; `refused`: the texting system answered 409 "opted out"; `ghl_dnd`: an agent
   * turned GHL's SMS DND on.
   */
  kind: ConsentKind;
  source: string;
  keyword: string | null;
  changedAt: Date;
}

export type ConsentChange =
  | { action: 'opted_out'; kind: ConsentKind; source: string; keyword: string | null; at: Date }
  | { action: 'opted_in'; by?: 'keyword' | 'ghl_dnd'; source: string; keyword: string | null; at: Date };

export type ConsentDecision =
  | { apply: true; next: ConsentState; ghlSmsDnd: 'active' | 'inactive' }
  | {
      apply: false;
      reason:
        | 'stale'
        | 'already_opted_out'
        | 'not_opted_out'
        | 'opt_out_not_by_keyword'
        | 'opt_out_by_the_person';
    };

/**
 * STOP (and its family) opts out from any state; START / UNSTOP lift only an opt-out that came from a keyword
 * or from the texting system's own keyword refusal, never one recorded otherwise. An agent's GHL SMS DND opts
 * out too; lifting it in GHL lifts only an opt-out an agent set there: a person's STOP is the person's to lift. A change older than the one
 * the registry holds never overwrites it (events of one phone may arrive from different tools out of order).
 */
export function decideConsent(current: ConsentState | null, change: ConsentChange): ConsentDecision {
  if (current && change.at.getTime() < current.changedAt.getTime()) return { apply: false, reason: 'stale' };
  if (change.action === 'opted_out') {
    if (current?.optedOut) return { apply: false, reason: 'already_opted_out' };
    const { kind, source, keyword, at } = change;
    return {
      apply: true,
      next: { optedOut: true, kind, source, keyword, changedAt: at },
      ghlSmsDnd: 'active',
    };
  }
  if (!current?.optedOut) return { apply: false, reason: 'not_opted_out' };
  const by = change.by ?? 'keyword';
  if (by === 'ghl_dnd' && current.kind !== 'ghl_dnd')
    return { apply: false, reason: 'opt_out_by_the_person' };
  if (by === 'keyword' && !LIFTABLE_BY_KEYWORD.has(current.kind)) {
    return { apply: false, reason: 'opt_out_not_by_keyword' };
  }
  const next: ConsentState = {
    optedOut: false,
    kind: by,
    source: change.source,
    keyword: change.keyword,
    changedAt: change.at,
  };
  return { apply: true, next, ghlSmsDnd: 'inactive' };
}

// A 409 from the texting system reflects a STOP it received itself, so the person's START lifts it too.
const LIFTABLE_BY_KEYWORD = new Set<ConsentKind>(['keyword', 'refused']);

/** The one question every send path asks before texting anybody. */
export function maySend(current: ConsentState | null): boolean {
  return !current?.optedOut;
}
