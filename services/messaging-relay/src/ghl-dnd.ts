import { type EventOfType, nameUuid } from '@df/contracts';
import type { RelayDeps } from './deps.ts';
import { type ConsentChange, decideConsent } from './domain/consent.ts';
import { consumeDndEcho, loadConsent, saveConsent } from './store.ts';

// GHL's DND statuses that block a channel.
const BLOCKING = new Set(['active', 'permanent']);

/**
 * GHL's ContactDndUpdate: an agent turning a contact's SMS DND on (`dndSettings.SMS`, not the global DND) opts
 * the number out in the registry, so no path of the relay texts it; turning it off lifts only an opt-out an
 * agent set (a person's STOP stays until the person's START). The echo of the relay's own DND write (a STOP or
 * START it carried to GHL) is recognized by the write it recorded before calling GHL, and changes nothing.
 */
export async function applyGhlDnd(event: EventOfType<'contact.dnd_changed'>, deps: RelayDeps): Promise<void> {
  if (event.source !== 'ghl') return;
  const sms = event.data.dndChannels?.sms;
  // A DND change of another channel, or the global DND, says nothing about texts here.
  if (sms === undefined) return;
  const phone = event.data.phone;
  const ghlContactId = event.data.ghlContactId ?? event.entity.id;
  const entity = { type: 'contact' as const, id: ghlContactId };
  const report = (step: string, action: 'updated' | 'skipped', reason: string) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:${step}`),
      entity,
      direction: 'internal',
      action,
      reason,
      target: { system: 'middleware', id: null },
    });
  if (!phone || !ghlContactId) return void (await report('skipped', 'skipped', 'no_phone'));
  const tenant = deps.config.tenant;
  const smsActive = BLOCKING.has(sms);
  if (await consumeDndEcho(deps.db, { tenant, ghlContactId, smsActive })) {
    return void (await report('skipped', 'skipped', 'echo'));
  }
  const at = new Date(event.occurredAt);
  const change: ConsentChange = smsActive
    ? { action: 'opted_out', kind: 'ghl_dnd', source: 'ghl', keyword: null, at }
    : { action: 'opted_in', by: 'ghl_dnd', source: 'ghl', keyword: null, at };
  const decision = decideConsent(await loadConsent(deps.db, tenant, phone), change);
  if (!decision.apply) return void (await report('skipped', 'skipped', decision.reason));
  await saveConsent(deps.db, { tenant, phone }, decision.next, event.id);
  await report('registry', 'updated', smsActive ? 'opted_out_by_ghl_sms_dnd' : 'opted_in_by_ghl_sms_dnd');
}
