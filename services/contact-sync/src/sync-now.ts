import type { Command } from '@df/contracts';
import { findPerson } from './store.ts';
import { type ContactChange, type ContactSyncDeps, syncContact } from './sync-contact.ts';

type SyncRequest = Extract<Command, { type: 'contact.sync_requested' }>;

/**
 * "Sync this contact now": read the person from the tools (GHL first, it is the CRM) and push the merged
 * state to both sides, even where we believe it is already there. Answered with outcomes like any event.
 */
export async function syncContactNow(command: SyncRequest, deps: ContactSyncDeps): Promise<void> {
  const target = command.data.target;
  const notFound = () =>
    deps.report(command, {
      entity: { type: 'contact', id: null },
      direction: 'internal',
      action: 'skipped',
      reason: 'not_found',
      target: { system: 'middleware', id: null },
    });

  let phone: string | null = null;
  if (target.by === 'ghl_id') {
    const snapshot = await deps.tools.ghl.get(target.ghlContactId);
    if (!snapshot) return void (await notFound());
    return syncContact(change(command, 'ghl', target.ghlContactId, snapshot), deps);
  }
  if (target.by === 'aloware_id') {
    const known = await findPerson(deps.db, 'aloware', {
      sourceId: target.alowareContactId,
      phone: null,
      email: null,
    });
    phone = known?.state.phone ?? null;
  } else phone = target.phone;
  if (!phone) return void (await notFound());

  const inGhl = await deps.tools.ghl.findByPhone(phone);
  if (inGhl) return syncContact(change(command, 'ghl', inGhl.id, inGhl.snapshot), deps);
  const inAloware = await deps.tools.aloware.findByPhone(phone);
  if (inAloware) return syncContact(change(command, 'aloware', inAloware.id, inAloware.snapshot), deps);
  await notFound();
}

function change(
  command: SyncRequest,
  side: ContactChange['side'],
  id: string,
  snapshot: ContactChange['snapshot'],
) {
  return { cause: command, side, sourceId: id, snapshot, at: command.requestedAt, force: true };
}
