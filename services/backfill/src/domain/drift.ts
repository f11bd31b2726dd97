import { toE164 } from '@df/contracts';
import type { GhlContact } from '@df/ghl-client';

export type DriftKind = 'missing_mapping' | 'field_differs' | 'dnd_differs' | 'list_membership_differs';

export interface Drift {
  kind: DriftKind;
  ghlContactId: string;
  /** Field, channel or list names (never values: they are personal data and go to the audit trail). */
  details: string[];
}

/** What contact-sync's mapping holds for a GHL contact. */
export interface MappingView {
  alowareContactId: string | null;
  deletedInGhl: boolean;
}

/** The Aloware contact found by the GHL contact's phone (null: Aloware has none). */
export interface AlowareView {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  isDnc: boolean;
  isOptedOut: boolean;
  tags: string[];
}

/** list-sync's projection row: the lists it put the contact in. */
export interface MemberView {
  listIds: number[];
  ownerDialer: boolean;
}

export interface ListRuleView {
  tag: string;
  target: { kind: 'list'; listId: number } | { kind: 'owner' };
  excludeDnd: boolean;
}

export interface ContactObservation {
  ghl: GhlContact;
  mapping: MappingView | null;
  /** undefined: not looked up (no phone, or the lookup budget said no). */
  aloware: AlowareView | null | undefined;
  member: MemberView | null;
}

const BLOCKING = new Set(['active', 'permanent']);
const channelBlocked = (contact: GhlContact, channel: 'Call' | 'SMS') =>
  contact.dnd === true || BLOCKING.has(contact.dndSettings?.[channel]?.status ?? '');

const norm = (value: string | null | undefined) => (value ?? '').trim().toLowerCase();
const SYNCED = [
  ['firstName', 'firstName'],
  ['lastName', 'lastName'],
  ['email', 'email'],
] as const;

/** Lists the rules want for the contact: tagged, with a phone, not excluded by a call block. */
export function expectedLists(rules: ListRuleView[], contact: GhlContact): MemberView | null {
  if (!toE164(contact.phone)) return null;
  const tags = contact.tags.map((t) => t.toLowerCase());
  const calls = channelBlocked(contact, 'Call');
  const matching = rules.filter((r) => tags.includes(r.tag) && !(r.excludeDnd && calls));
  if (matching.length === 0) return null;
  const listIds = matching.flatMap((r) => (r.target.kind === 'list' ? [r.target.listId] : []));
  return {
    listIds: [...new Set(listIds)].sort((a, b) => a - b),
    ownerDialer: matching.some((r) => r.target.kind === 'owner'),
  };
}

/**
 * The drift of one GHL contact against what we know: contact-sync's mapping, the Aloware contact with its
 * phone, list-sync's projection. Pure. An empty field on one side is no drift (contact-sync's "an empty value
 * never erases"); Aloware's text block is compared one way only, as its API cannot lift one.
 */
export function compareContact(observed: ContactObservation, rules: ListRuleView[]): Drift[] {
  const { ghl, mapping, aloware, member } = observed;
  const drift: Drift[] = [];
  const add = (kind: DriftKind, details: string[]) => drift.push({ kind, ghlContactId: ghl.id, details });
  const phone = toE164(ghl.phone);
  if (!mapping && (phone || ghl.email)) add('missing_mapping', ['no_mapping']);
  else if (mapping?.deletedInGhl) add('missing_mapping', ['mapping_closed']);
  else if (phone && aloware === null) add('missing_mapping', ['not_in_aloware']);

  if (aloware) {
    const fields = SYNCED.filter(([g, a]) => {
      const left = norm(ghl[g]);
      const right = norm(aloware[a]);
      return left !== '' && right !== '' && left !== right;
    }).map(([g]) => g);
    if (fields.length > 0) add('field_differs', fields);
    const channels: string[] = [];
    if (channelBlocked(ghl, 'Call') !== aloware.isDnc) channels.push('call');
    const alowareTexts = aloware.isOptedOut || aloware.tags.includes('sms-opted-out');
    if (channelBlocked(ghl, 'SMS') && !alowareTexts) channels.push('sms');
    if (channels.length > 0) add('dnd_differs', channels);
  }

  const expected = expectedLists(rules, ghl);
  const managed = new Set(rules.flatMap((r) => (r.target.kind === 'list' ? [r.target.listId] : [])));
  const held = member?.listIds.filter((id) => managed.has(id)) ?? [];
  const want = expected?.listIds ?? [];
  const lists = [
    ...want.filter((id) => !held.includes(id)).map((id) => `missing_from:${id}`),
    ...held.filter((id) => !want.includes(id)).map((id) => `extra_in:${id}`),
  ];
  if ((expected?.ownerDialer ?? false) && !(member?.ownerDialer ?? false)) lists.push('missing_from:owner');
  if (lists.length > 0) add('list_membership_differs', lists);
  return drift;
}

/** The tags whose lists a soft rebuild should repair for these drifts: one rebuild per tag, not per contact. */
export function tagsToRebuild(drifts: Drift[], rules: ListRuleView[]): string[] {
  const tags = new Set<string>();
  for (const d of drifts) {
    if (d.kind !== 'list_membership_differs') continue;
    for (const detail of d.details) {
      const target = detail.split(':')[1];
      for (const rule of rules) {
        const name = rule.target.kind === 'list' ? String(rule.target.listId) : 'owner';
        if (name === target) tags.add(rule.tag);
      }
    }
  }
  return [...tags].sort();
}
