import { type EventOfType, nameUuid } from '@df/contracts';
import { isToolError } from '@df/tool-http';
import type { RelayDeps } from './deps.ts';
import { maySend } from './domain/consent.ts';
import { bodyHash, decideAlowareSend, decideOutbound, outboundIntentKey } from './domain/messages.ts';
import { routeFor, type SendChannel } from './domain/routes.ts';
import {
  loadConsent,
  loadMessage,
  recordDndWrite,
  recordIntent,
  saveConsent,
  updateMessage,
} from './store.ts';

type SendRequest = EventOfType<'sms.send_requested'>;
type AlowareChannel = Extract<SendChannel, { via: 'aloware' }>;

/**
 * An agent's text typed in GHL (`ProviderOutboundMessage`) → consent check → the tool a routing rule names:
 * the texting system (default) with the intent key (derived from GHL's message id) as `Idempotency-Key`, so a
 * redelivery or a retry texts once; or Aloware. The intent is recorded before the send: the tool's webhooks
 * about it may outrun its answer. An opted-out number is refused here, whatever the route, and GHL shows the
 * message failed with the reason.
 */
export async function sendAgentText(event: SendRequest, deps: RelayDeps): Promise<void> {
  const ghlMessageId = event.entity.id;
  const phone = event.data.contactPhone ?? event.data.to;
  const channel = routeFor(
    deps.config.routes ?? [],
    { tenant: event.tenant, ghlUserId: event.data.agentId },
    deps.config.alowareFrom ?? null,
  );
  const target = channel.via;
  const report = (step: string, action: 'sent' | 'skipped', reason: string | null, id: string | null) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:${step}`),
      entity: { type: 'message', id: ghlMessageId },
      direction: target === 'aloware' ? 'to_aloware' : 'to_texting',
      action,
      reason,
      target: { system: target, id },
    });
  if (!ghlMessageId || !phone) return void (await report('skip', 'skipped', 'no_phone', null));

  const tenant = deps.config.tenant;
  const id = outboundIntentKey(tenant, ghlMessageId);
  const consent = await loadConsent(deps.db, tenant, phone);
  const optedOut = !maySend(consent);
  const row = await loadMessage(deps.db, id);
  const decision =
    channel.via === 'aloware' ? decideAlowareSend(row, optedOut) : decideOutbound(row, optedOut);
  if (decision === 'duplicate') return void (await report('skip', 'skipped', 'duplicate', null));
  const intent = { id, tenant, direction: 'outbound' as const, origin: 'ghl' as const, phone, via: target };
  if (decision === 'refuse') {
    // GHL is told before the row is final: a retry after GHL failed finds no final row and tells it again.
    // This send's own 409 recorded the opt-out and the process died before GHL was told: tell it now.
    if (consent?.eventId === event.id) await carryOptOutToGhl(event, deps, phone);
    await deps.tools.setMessageStatus(ghlMessageId, 'failed', 'recipient opted out of SMS');
    await recordIntent(deps.db, { ...intent, ghl_message_id: ghlMessageId, status: 'refused' });
    // An earlier attempt's row (interrupted, or refused by Aloware with an answer) is refused now too.
    if (row) await updateMessage(deps.db, id, { status: 'refused' });
    return void (await report('refused', 'skipped', 'opted_out', null));
  }
  if (decision === 'unconfirmed') {
    // GHL first, as for a refusal: a retry after GHL failed still finds the row `sending` and tells it again.
    const why = 'Aloware did not confirm the send; not sent again, so the text is never sent twice';
    await deps.tools.setMessageStatus(ghlMessageId, 'failed', why);
    await updateMessage(deps.db, id, { status: 'unconfirmed' }, 'sending');
    return void (await report('unconfirmed', 'skipped', 'send_unconfirmed', null));
  }
  if (channel.via === 'aloware') {
    const body = event.data.body ?? '';
    await recordIntent(deps.db, {
      ...intent,
      ghl_message_id: ghlMessageId,
      status: 'sending',
      body_hash: bodyHash(body),
    });
    // A `queued` row (Aloware refused with an answer last time) is sent again: mark it in flight first.
    if (row?.status === 'queued') await updateMessage(deps.db, id, { status: 'sending' }, 'queued');
    await sendThroughAloware(deps, id, channel, {
      to: phone,
      body,
      attachments: event.data.mediaUrls,
    });
    // Aloware's disposition may have come back first and set the final status: that one stays.
    await updateMessage(deps.db, id, { status: 'sent' }, 'sending');
    return void (await report('sent', 'sent', null, null));
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
    await carryOptOutToGhl(event, deps, phone);
    await deps.tools.setMessageStatus(ghlMessageId, 'failed', 'recipient opted out of SMS');
    await updateMessage(deps.db, id, { status: 'refused' });
    return void (await report('refused', 'skipped', 'opted_out', null));
  }
  await updateMessage(deps.db, id, { status: 'sent', texting_chat_message_id: sent.chatMessageId });
  await report('sent', 'sent', null, sent.chatMessageId);
}

/**
 * A 409 from the texting system is an opt-out the middleware had not heard of (a STOP it received itself): like
 * a STOP keyword, it becomes GHL's SMS DND, which contact-sync carries on to Aloware. Recorded first: GHL's
 * ContactDndUpdate of this write must be known as ours, not taken for an agent's.
 */
async function carryOptOutToGhl(event: SendRequest, deps: RelayDeps, phone: string): Promise<void> {
  const contactId = event.data.ghlContactId ?? (await deps.tools.ghlContactFor(phone));
  await recordDndWrite(deps.db, { tenant: deps.config.tenant, ghlContactId: contactId, smsActive: true });
  await deps.tools.setSmsDnd(contactId, true);
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:ghl-dnd`),
    entity: { type: 'contact', id: contactId },
    direction: 'to_ghl',
    action: 'updated',
    reason: 'sms_dnd_active',
    target: { system: 'ghl', id: contactId },
  });
}

/**
 * One call to Aloware's SMS gateway. An error with an answer (429, 5xx, 4xx) means Aloware did not accept it:
 * the row becomes `queued`, so the runner's retry sends it. An error without one (timeout, connection lost)
 * leaves it `sending`: it may have gone out, and the next attempt reports it unconfirmed instead of texting twice.
 */
export async function sendThroughAloware(
  deps: RelayDeps,
  id: string,
  channel: AlowareChannel,
  text: { to: string; body: string; attachments: string[] },
): Promise<void> {
  try {
    await deps.tools.sendViaAloware({
      to: text.to,
      body: text.body,
      ...(channel.from !== undefined && { from: channel.from }),
      ...(channel.lineId !== undefined && { lineId: channel.lineId }),
      ...(channel.userId !== undefined && { userId: channel.userId }),
      ...(text.attachments[0] !== undefined && { imageUrl: text.attachments[0] }),
    });
  } catch (error) {
    if (isToolError(error) && error.status !== undefined) {
      await updateMessage(deps.db, id, { status: 'queued' }, 'sending');
    }
    throw error;
  }
}
