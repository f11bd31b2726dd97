import { type EventOfType, nameUuid } from '@df/contracts';
import type { RelayDeps } from './deps.ts';
import { type ConsentChange, decideConsent } from './domain/consent.ts';
import { bodyHash, helpReplyKey } from './domain/messages.ts';
import { sendThroughAloware } from './outbound.ts';
import {
  loadConsent,
  loadMessage,
  recordDndWrite,
  recordIntent,
  saveConsent,
  updateMessage,
} from './store.ts';

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
  // Recorded first: GHL's ContactDndUpdate of this write may come back before its answer, and must be known
  // as ours, not taken for an agent's change (`applyGhlDnd`).
  await recordDndWrite(deps.db, { tenant: key.tenant, ghlContactId: contactId, smsActive: optedOut });
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
 * HELP / INFO: the configured reply on the channel the question came in on (the texting system or Aloware),
 * even to an opted-out number (carriers require it). One reply per asking message: the body keyword and the
 * texting system's `optout.help` share its id.
 */
export async function replyToHelp(
  event: EventOfType<'consent.help_requested'>,
  deps: RelayDeps,
): Promise<void> {
  const phone = phoneOf(event);
  const entity = { type: 'contact' as const, id: phone };
  const id = nameUuid(`${event.id}:messaging-relay:help`);
  const via = event.source === 'aloware' ? 'aloware' : 'texting';
  const skip = (reason: string) =>
    deps.report(event, {
      id,
      entity,
      direction: via === 'aloware' ? 'to_aloware' : 'to_texting',
      action: 'skipped',
      reason,
      target: { system: via, id: null },
    });
  if (!phone) return void (await skip('no_phone'));
  if (event.source !== 'texting' && event.source !== 'aloware') {
    return void (await skip('help_reply_only_on_texting_or_aloware'));
  }
  if (!deps.config.helpReply) return void (await skip('no_help_reply_configured'));
  const idempotencyKey = helpReplyKey(deps.config.tenant, event.data.messageId ?? event.id);
  if (via === 'aloware') return replyThroughAloware(event, deps, { phone, id: idempotencyKey, skip });
  // Recorded before the send, its chat message id after: the texting system's reports of the reply are our
  // echo, not a text sent outside GHL to import (they may outrun the answer: the row holds them back).
  await recordIntent(deps.db, {
    id: idempotencyKey,
    tenant: deps.config.tenant,
    direction: 'outbound',
    origin: 'texting',
    via: 'texting',
    phone,
    status: 'sending',
  });
  const sent = await deps.tools.sendText({
    to: phone,
    body: deps.config.helpReply,
    idempotencyKey,
    correlationId: event.correlationId,
  });
  if (sent === 'opted_out') {
    await updateMessage(deps.db, idempotencyKey, { status: 'refused' });
    return void (await skip('texting_refused_help_reply'));
  }
  await updateMessage(
    deps.db,
    idempotencyKey,
    { status: 'sent', texting_chat_message_id: sent.chatMessageId },
    'sending',
  );
  await deps.report(event, {
    id,
    entity,
    direction: 'to_texting',
    action: 'sent',
    reason: 'help_reply',
    target: { system: 'texting', id: sent.chatMessageId },
  });
}

/**
 * A HELP texted to Aloware is answered through Aloware, from `MESSAGING_ALOWARE_FROM`. Aloware takes no
 * idempotency key, so the reply is recorded (with its body's hash: its disposition webhook is our echo) before
 * the send, and a reply interrupted without an answer is not sent again.
 */
async function replyThroughAloware(
  event: EventOfType<'consent.help_requested'>,
  deps: RelayDeps,
  reply: { phone: string; id: string; skip: (reason: string) => Promise<unknown> },
): Promise<void> {
  const from = deps.config.alowareFrom;
  if (!from) return void (await reply.skip('no_aloware_line_configured'));
  const body = deps.config.helpReply!;
  const row = await loadMessage(deps.db, reply.id);
  if (row?.status === 'sending') {
    await updateMessage(deps.db, reply.id, { status: 'unconfirmed' }, 'sending');
    return void (await reply.skip('help_reply_unconfirmed'));
  }
  if (row && row.status !== 'queued') return void (await reply.skip('duplicate'));
  const tenant = deps.config.tenant;
  await recordIntent(deps.db, {
    id: reply.id,
    tenant,
    direction: 'outbound',
    origin: 'aloware',
    via: 'aloware',
    phone: reply.phone,
    status: 'sending',
    body_hash: bodyHash(body),
  });
  if (row?.status === 'queued') await updateMessage(deps.db, reply.id, { status: 'sending' }, 'queued');
  await sendThroughAloware(
    deps,
    reply.id,
    { via: 'aloware', from },
    { to: reply.phone, body, attachments: [] },
  );
  await updateMessage(deps.db, reply.id, { status: 'sent' }, 'sending');
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:help`),
    entity: { type: 'contact', id: reply.phone },
    direction: 'to_aloware',
    action: 'sent',
    reason: 'help_reply',
    target: { system: 'aloware', id: null },
  });
}
