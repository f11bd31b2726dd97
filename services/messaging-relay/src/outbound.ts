import { type EventOfType, nameUuid } from '@df/contracts';
import { RetriableError } from '@df/kafka';
import type { RelayDeps } from './deps.ts';
import { maySend } from './domain/consent.ts';
import { decideOutbound, outboundIntentKey } from './domain/messages.ts';
import {
  loadConsent,
  loadMessage,
  messageByChatId,
  recordIntent,
  saveConsent,
  sendInFlight,
  updateMessage,
} from './store.ts';

/**
 * An agent's text typed in GHL (`ProviderOutboundMessage`) → consent check → the texting system, with the
 * intent key (derived from GHL's message id) as `Idempotency-Key`, so a redelivery or a retry texts once.
 * The intent is recorded before the send: the texting system's webhooks about it may outrun its answer.
 * An opted-out number is refused here, and GHL shows the message failed with the reason.
 */
export async function sendAgentText(
  event: EventOfType<'sms.send_requested'>,
  deps: RelayDeps,
): Promise<void> {
  const ghlMessageId = event.entity.id;
  const phone = event.data.contactPhone ?? event.data.to;
  const entity = { type: 'message' as const, id: ghlMessageId };
  const report = (step: string, action: 'sent' | 'skipped', reason: string | null, id: string | null) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:${step}`),
      entity,
      direction: 'to_texting',
      action,
      reason,
      target: { system: 'texting', id },
    });
  if (!ghlMessageId || !phone) return void (await report('skip', 'skipped', 'no_phone', null));

  const tenant = deps.config.tenant;
  const id = outboundIntentKey(tenant, ghlMessageId);
  const consent = await loadConsent(deps.db, tenant, phone);
  const decision = decideOutbound(await loadMessage(deps.db, id), !maySend(consent));
  if (decision === 'duplicate') return void (await report('skip', 'skipped', 'duplicate', null));
  const intent = { id, tenant, direction: 'outbound' as const, origin: 'ghl' as const, phone };
  if (decision === 'refuse') {
    await recordIntent(deps.db, { ...intent, ghl_message_id: ghlMessageId, status: 'refused' });
    await deps.tools.setMessageStatus(ghlMessageId, 'failed', 'recipient opted out of SMS');
    return void (await report('refused', 'skipped', 'opted_out', null));
  }
  await recordIntent(deps.db, { ...intent, ghl_message_id: ghlMessageId, status: 'sending' });
  const sent = await deps.tools.sendText({
    to: phone,
    body: event.data.body ?? '',
    idempotencyKey: id,
    correlationId: event.correlationId,
  });
  if (sent === 'opted_out') {
    // The texting system knows of an opt-out we had not heard of: recorded, so later sends stop here.
    const at = new Date(event.occurredAt);
    const state = {
      optedOut: true,
      kind: 'refused' as const,
      source: 'texting',
      keyword: null,
      changedAt: at,
    };
    await saveConsent(deps.db, { tenant, phone }, state, event.id);
    await updateMessage(deps.db, id, { status: 'refused' });
    await deps.tools.setMessageStatus(ghlMessageId, 'failed', 'recipient opted out of SMS');
    return void (await report('refused', 'skipped', 'opted_out', null));
  }
  await updateMessage(deps.db, id, { status: 'sent', texting_chat_message_id: sent.chatMessageId });
  await report('sent', 'sent', null, sent.chatMessageId);
}

type Report = EventOfType<'sms.sent' | 'sms.delivered' | 'sms.failed'>;

/**
 * The texting system's reports about a message. `message.sent` of one we sent is our echo; `delivered` /
 * `failed` become GHL's message status (retried through GHL's 403 window). A report naming a message we did not
 * send was sent outside GHL and is left alone (its import as outbound is not built yet).
 */
export async function relayTextingReport(event: Report, deps: RelayDeps): Promise<void> {
  const chatId = event.data.chatMessageId;
  const entity = { type: 'message' as const, id: chatId ?? event.entity.id };
  const skip = (reason: string) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:skip`),
      entity,
      direction: 'to_ghl',
      action: 'skipped',
      reason,
      target: { system: 'ghl', id: null },
    });
  if (event.source !== 'texting') return void (await skip('not_texting'));
  const tenant = deps.config.tenant;
  const found = chatId ? await messageByChatId(deps.db, tenant, chatId) : null;
  if (!found) {
    const phone = event.data.contactPhone;
    if (phone && (await sendInFlight(deps.db, tenant, phone))) {
      throw new RetriableError('texting reported a message before its send was recorded');
    }
    return void (await skip('not_sent_by_middleware'));
  }
  if (event.type === 'sms.sent') return void (await skip('echo'));
  const status = event.type === 'sms.delivered' ? 'delivered' : 'failed';
  if (found.status === status) return void (await skip('duplicate'));
  const ghlMessageId = found.ghlMessageId!;
  await deps.tools.setMessageStatus(ghlMessageId, status, event.data.error?.message ?? undefined);
  await updateMessage(deps.db, found.row.id, { status });
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:status`),
    entity,
    direction: 'to_ghl',
    action: 'updated',
    reason: status,
    target: { system: 'ghl', id: ghlMessageId },
  });
}
