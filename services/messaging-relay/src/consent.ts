import { type EventOfType, nameUuid } from '@df/contracts';
import type { RelayDeps } from './deps.ts';
import { type ConsentChange, decideConsent } from './domain/consent.ts';
import { helpReplyKey } from './domain/messages.ts';
import { loadConsent, saveConsent } from './store.ts';

type ConsentEvent = EventOfType<'consent.opted_out' | 'consent.opted_in'>;

const phoneOf = (event: { naturalKey: string; data: { phone: string | null } }) =>
  event.data.phone ?? (event.naturalKey.startsWith('+') ? event.naturalKey : null);

/**
 * Projects a STOP / START into the registry, then makes GHL's SMS DND say the same (contact-sync carries GHL's
 * SMS DND on to Aloware's opt-out, as it does for an agent's change). The registry row is written first: from
 * that commit on, every send path refuses the number, whether or not GHL has been told yet.
 */
export async function applyConsent(event: ConsentEvent, deps: RelayDeps): Promise<void> {
  const phone = phoneOf(event);
  const entity = { type: 'contact' as const, id: phone };
  const outcome = (step: string) => ({ id: nameUuid(`${event.id}:messaging-relay:${step}`), entity });
  if (!phone) {
    await deps.report(event, {
      ...outcome('skipped'),
      direction: 'internal',
      action: 'skipped',
      reason: 'no_phone',
      target: { system: 'middleware', id: null },
    });
    return;
  }
  const key = { tenant: deps.config.tenant, phone };
  const at = new Date(event.occurredAt);
  const change: ConsentChange =
    event.type === 'consent.opted_out'
      ? { action: 'opted_out', kind: 'keyword', source: event.source, keyword: event.data.keyword, at }
      : { action: 'opted_in', source: event.source, keyword: event.data.keyword, at };
  const current = await loadConsent(deps.db, key.tenant, phone);
  const decision = decideConsent(current, change);
  // The same event again after a crash between the registry commit and GHL: finish telling GHL.
  const resumed = !decision.apply && current?.eventId === event.id;
  if (!decision.apply && !resumed) {
    await deps.report(event, {
      ...outcome('skipped'),
      direction: 'internal',
      action: 'skipped',
      reason: decision.reason,
      target: { system: 'middleware', id: null },
    });
    return;
  }
  if (decision.apply) await saveConsent(deps.db, key, decision.next, event.id);
  const optedOut = decision.apply ? decision.next.optedOut : current!.optedOut;
  const contactId = event.data.ghlContactId ?? (await deps.tools.ghlContactFor(phone));
  await deps.tools.setSmsDnd(contactId, optedOut);
  await deps.report(event, {
    ...outcome('ghl-dnd'),
    direction: 'to_ghl',
    action: 'updated',
    reason: optedOut ? 'sms_dnd_active' : 'sms_dnd_inactive',
    target: { system: 'ghl', id: contactId },
  });
}

/**
 * HELP / INFO: the configured reply on the texting channel, even to an opted-out number (carriers require it).
 * One reply per asking message: the body keyword and the texting system's `optout.help` share its id.
 */
export async function replyToHelp(
  event: EventOfType<'consent.help_requested'>,
  deps: RelayDeps,
): Promise<void> {
  const phone = phoneOf(event);
  const entity = { type: 'contact' as const, id: phone };
  const id = nameUuid(`${event.id}:messaging-relay:help`);
  const skip = (reason: string) =>
    deps.report(event, {
      id,
      entity,
      direction: 'to_texting',
      action: 'skipped',
      reason,
      target: { system: 'texting', id: null },
    });
  if (!phone) return void (await skip('no_phone'));
  if (event.source !== 'texting') return void (await skip('help_reply_only_on_texting'));
  if (!deps.config.helpReply) return void (await skip('no_help_reply_configured'));
  const idempotencyKey = helpReplyKey(deps.config.tenant, event.data.messageId ?? event.id);
  const sent = await deps.tools.sendText({
    to: phone,
    body: deps.config.helpReply,
    idempotencyKey,
    correlationId: event.correlationId,
  });
  if (sent === 'opted_out') return void (await skip('texting_refused_help_reply'));
  await deps.report(event, {
    id,
    entity,
    direction: 'to_texting',
    action: 'sent',
    reason: 'help_reply',
    target: { system: 'texting', id: sent.chatMessageId },
  });
}
