import type { ListWrite, MembershipPlan } from './domain/membership.ts';

/** The outcomes list-sync reports for its writes, worded for the operator reading sync_log. */
export const skipped = (reason: string) =>
  ({ action: 'skipped', reason, target: { system: 'aloware', id: null } }) as const;

export function added(write: Extract<ListWrite, { kind: 'add' }>) {
  const to = [...write.listIds.map(String), ...(write.ownerDialer ? ["owner's power dialer"] : [])];
  return {
    action: 'updated',
    reason: `added to lists ${to.join(', ')}`,
    target: { system: 'aloware', id: null },
  } as const;
}

export function refused(write: Extract<ListWrite, { kind: 'add' }>, code: string) {
  const reason = `Aloware refused adding to lists ${write.listIds.join(', ')} (${code}): is every list id right?`;
  return { action: 'failed', reason, target: { system: 'aloware', id: null } } as const;
}

export function removed(id: string, had: { listIds: number[] } | null, plan: MembershipPlan) {
  const kept = plan.next?.listIds ?? [];
  const gone = (had?.listIds ?? []).filter((l) => !kept.includes(l));
  const reason = `removed from all lists (leaving ${gone.join(', ') || 'none of ours'}); re-adding ${kept.join(', ') || 'none'}`;
  return { action: 'deleted', reason, target: { system: 'aloware', id } } as const;
}

/** `configured_only`: the contact leaves a list by that list's batched rebuild, not by remove-from-all. */
export function deferred(listId: number) {
  const reason = `removal from list ${listId} deferred to its rebuild (LIST_SYNC_REMOVAL=configured_only)`;
  return { action: 'skipped', reason, target: { system: 'aloware', id: String(listId) } } as const;
}
