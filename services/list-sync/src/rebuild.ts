import type { Command } from '@df/contracts';
import { nameUuid } from '@df/contracts';
import { type Cause, type ListSyncDeps, reconcile } from './reconcile.ts';
import { forgetList, membersOf } from './store.ts';

type RebuildCommand = Extract<Command, { type: 'list.rebuild_requested' }>;

// GHL's search lags a few seconds behind writes: facts from it count as this much older than the page, so an
// event applied within that window wins over a result that may not show it yet.
export const SEARCH_LAG_MS = 10_000;

/**
 * A rebuild of the list a tag drives. Soft (the default): every contact GHL's search returns for the tag, then every contact the
 * projection holds with the tag or in the list that the search did not return (re-read one by one), each brought
 * to what the rules want through the same reconcile as an event. Events newer than the snapshot win. Running it
 * again is harmless (writes are idempotent, outcome ids derive from the command).
 * What soft cannot see: a contact added to the list by hand in Aloware (Aloware cannot list a list's members).
 * Hard: the list is cleared first and the projection told so, then the same pass adds everyone tagged back:
 * it removes whoever was in the list by hand, at one Lead API call per member.
 */
export async function rebuildList(command: RebuildCommand, deps: ListSyncDeps): Promise<void> {
  const cause: Cause = command;
  const summary = (action: 'updated' | 'skipped', reason: string) =>
    deps.report(cause, {
      id: nameUuid(`${command.id}|list-sync|rebuild`),
      entity: { type: 'contact', id: null },
      direction: 'ghl_to_aloware',
      action,
      reason,
      target: { system: 'aloware', id: null },
    });
  const { target } = command.data;
  if (target.by !== 'tag') return void (await summary('skipped', 'rebuild by list name is not supported'));
  const tag = target.tag.toLowerCase();
  const rule = deps.config.rules.find((r) => r.tag === tag);
  if (!rule) return void (await summary('skipped', `no rule for tag "${tag}"`));

  const tenant = deps.config.ghlLocationId ?? command.tenant;
  const hard = command.data.mode === 'hard';
  const listId = rule.target.kind === 'list' ? rule.target.listId : null;
  if (hard && listId === null)
    return void (await summary(
      'skipped',
      `hard rebuild of "${tag}": an owner's dialer cannot be cleared alone`,
    ));
  // Who the projection had before a clear: GHL's search lags behind its writes, so a member it does not return
  // yet is read and decided on its own below instead of being dropped by the clear.
  const before = await membersOf(deps.db, tenant, tag, listId);
  if (hard && listId !== null) {
    await deps.tools.clearList(listId);
    await forgetList(deps.db, tenant, before, listId);
  }
  const snapshotAt = new Date(Date.now() - SEARCH_LAG_MS);
  const step = (name: string) => ({ step: name, ...(hard && listId !== null ? { cleared: listId } : {}) });
  const seen = new Set<string>();
  let writes = 0;
  for await (const { id, facts } of deps.tools.contactsByTag(tag)) {
    seen.add(id);
    const observed = { key: { tenant, ghlContactId: id }, facts, at: snapshotAt, fresh: true };
    const done = await reconcile(observed, cause, deps, step('rebuild|'));
    writes += done.writes;
    // An event newer than the snapshot won; after a clear the contact is decided again on a fresh read.
    if (done.stale && hard) {
      const now = { ...observed, facts: await deps.tools.readContact(id), at: new Date() };
      writes += (await reconcile(now, cause, deps, step('rebuild-fresh|'))).writes;
    }
  }
  const others = [...new Set([...before, ...(await membersOf(deps.db, tenant, tag, listId))])].filter(
    (id) => !seen.has(id),
  );
  for (const id of others) {
    const facts = await deps.tools.readContact(id);
    const observed = { key: { tenant, ghlContactId: id }, facts, at: new Date(), fresh: true };
    writes += (await reconcile(observed, cause, deps, step('rebuild|'))).writes;
  }
  const checked = seen.size + others.length;
  const mode = hard ? 'hard' : 'soft';
  await summary('updated', `rebuild of "${tag}" (${mode}): ${checked} contacts checked, ${writes} writes`);
}
