import type { ListRule } from './rules.ts';

/** What GHL says about a contact, as far as lists care. */
export interface ContactFacts {
  /** E.164; Aloware keys contacts by phone, so a contact without one is in no list. */
  phone: string | null;
  tags: string[];
  callsBlocked: boolean;
  deleted: boolean;
}

/** Memberships in Aloware on one phone: list ids and the owner's power dialer. */
export interface Membership {
  phone: string;
  listIds: number[];
  ownerDialer: boolean;
}

/** The projection's row for one contact, as the decider needs it. */
export interface MemberState {
  facts: ContactFacts;
  /** What we have put in Aloware (confirmed), or null. */
  applied: Membership | null;
  /** A remove-from-all-lists whose re-add was never confirmed (crash): Aloware may hold anything below it. */
  removingPhone: string | null;
}

export type ListWrite =
  | { kind: 'remove_all'; phone: string }
  | { kind: 'add'; phone: string; listIds: number[]; ownerDialer: boolean; position: 'top' | 'bottom' };

/**
 * How a removal is made. `all_lists`: Aloware's remove-from-all, then a re-add of the managed lists the contact
 * stays in (it also empties lists no rule manages). `configured_only`: remove-from-all is never called; the list
 * the contact leaves is rebuilt (cleared alone, everyone tagged added back) in a batch later.
 */
export type RemovalMode = 'all_lists' | 'configured_only';

export interface MembershipPlan {
  writes: ListWrite[];
  /** `configured_only`: the managed lists the contact must leave, each to be rebuilt (not written here). */
  rebuilds: number[];
  /** What Aloware holds once the writes are done. */
  next: Membership | null;
  /** Deliberate skips worth an outcome (the writes' outcomes are reported as they are made). */
  skips: string[];
}

/** The memberships the rules want for these facts: the invariant L(T) = tagged, with a phone, not excluded. */
export function desiredMembership(rules: ListRule[], facts: ContactFacts): Membership | null {
  if (!facts.phone || facts.deleted) return null;
  const matching = rules.filter((r) => facts.tags.includes(r.tag) && !(r.excludeDnd && facts.callsBlocked));
  if (matching.length === 0) return null;
  const listIds = matching.flatMap((r) => (r.target.kind === 'list' ? [r.target.listId] : []));
  return {
    phone: facts.phone,
    listIds: [...new Set(listIds)].sort((a, b) => a - b),
    ownerDialer: matching.some((r) => r.target.kind === 'owner'),
  };
}

/** Why a contact a rule's tag matches is kept out (one reason), or null. */
function exclusion(rules: ListRule[], facts: ContactFacts): string | null {
  const tagged = rules.filter((r) => facts.tags.includes(r.tag));
  if (tagged.length === 0 || facts.deleted) return null;
  if (!facts.phone) return 'no_phone';
  if (tagged.some((r) => r.excludeDnd && facts.callsBlocked)) return 'dnd';
  return null;
}

/**
 * The writes that take Aloware from what we applied to what the rules want. Aloware adds through the Lead API
 * (`list_ids`, or the owner's dialer) and removes only from every list at once, so any removal is
 * remove-from-all, then a re-add of everything the contact must stay in. A removal left unconfirmed by a crash
 * (`removingPhone`) is done again, re-adding everything, since Aloware may have done either call. `sharing`: what
 * other GHL contacts of the tenant hold in Aloware on the phones this contact's removal touches (re-added too).
 */
export function planMembership(
  state: MemberState | null,
  facts: ContactFacts,
  rules: ListRule[],
  removal: RemovalMode = 'all_lists',
  sharing: Membership[] = [],
): MembershipPlan {
  const want = desiredMembership(rules, facts);
  const had = state?.applied ?? null;
  if (removal === 'configured_only') return planConfiguredOnly(state, want, facts, rules);
  const removeOn = new Set<string>();
  if (state?.removingPhone) removeOn.add(state.removingPhone);
  if (had && (had.phone !== want?.phone ? hasAny(had) : lost(had, want))) removeOn.add(had.phone);

  const writes: ListWrite[] = [...removeOn].map((phone) => ({ kind: 'remove_all', phone }));
  if (want) {
    // After a removal on this phone everything is re-added; otherwise only what is new.
    const base = want.phone === had?.phone && !removeOn.has(want.phone) ? had : null;
    writes.push(...additions(rules, want, base));
  }
  // Aloware keeps one contact per phone: a remove-from-all also takes out the other GHL contacts with that number
  // (GHL may allow duplicates), so what they hold goes back in, beyond what this contact re-adds.
  for (const phone of removeOn) {
    const theirs = union(sharing.filter((m) => m.phone === phone));
    if (theirs) writes.push(...additions(rules, theirs, want?.phone === phone ? want : null));
  }
  const skips = [exclusion(rules, facts)].filter((s): s is string => s !== null);
  return { writes, rebuilds: [], next: want, skips };
}

/**
 * `configured_only`: no remove-from-all. Every managed list the contact leaves (tag gone, DND, deleted, or its
 * old number after a phone change) is named for a rebuild, which clears that list alone; an owner's power dialer
 * cannot be cleared alone, so leaving it is reported instead of done. Additions are as usual; on a new number,
 * everything is added.
 */
function planConfiguredOnly(
  state: MemberState | null,
  want: Membership | null,
  facts: ContactFacts,
  rules: ListRule[],
): MembershipPlan {
  const had = state?.applied ?? null;
  const samePhone = had !== null && want !== null && had.phone === want.phone;
  const kept = samePhone ? want.listIds : [];
  const rebuilds = (had?.listIds ?? []).filter((id) => !kept.includes(id));
  const leavesOwnerDialer = had?.ownerDialer === true && !(samePhone && want.ownerDialer);
  const base = samePhone && !state?.removingPhone ? had : null;
  const skips = [
    exclusion(rules, facts),
    leavesOwnerDialer ? 'owner_dialer_removal_needs_remove_from_all' : null,
  ];
  return {
    writes: want ? additions(rules, want, base) : [],
    rebuilds,
    next: want,
    skips: skips.filter((s): s is string => s !== null),
  };
}

function union(memberships: Membership[]): Membership | null {
  const [first] = memberships;
  if (!first) return null;
  const listIds = [...new Set(memberships.flatMap((m) => m.listIds))].sort((a, b) => a - b);
  return { phone: first.phone, listIds, ownerDialer: memberships.some((m) => m.ownerDialer) };
}

const hasAny = (m: Membership) => m.listIds.length > 0 || m.ownerDialer;

function lost(had: Membership, want: Membership | null): boolean {
  if (!want) return hasAny(had);
  return had.listIds.some((id) => !want.listIds.includes(id)) || (had.ownerDialer && !want.ownerDialer);
}

/** One Lead API call per position (the API takes one `powerdialer_position` per call), usually one. */
function additions(rules: ListRule[], want: Membership, base: Membership | null): ListWrite[] {
  const writes: ListWrite[] = [];
  for (const position of ['top', 'bottom'] as const) {
    const at = rules.filter((r) => r.position === position);
    const listIds = want.listIds.filter(
      (id) =>
        !base?.listIds.includes(id) && at.some((r) => r.target.kind === 'list' && r.target.listId === id),
    );
    const ownerDialer = want.ownerDialer && !base?.ownerDialer && at.some((r) => r.target.kind === 'owner');
    if (listIds.length > 0 || ownerDialer) {
      writes.push({ kind: 'add', phone: want.phone, listIds, ownerDialer, position });
    }
  }
  return writes;
}

/** True when the plan removes something: the facts behind it must be fresh (tag arrays arrive out of order). */
export const removes = (plan: MembershipPlan) =>
  plan.rebuilds.length > 0 || plan.writes.some((w) => w.kind === 'remove_all');
