import { type EventOfType, nameUuid } from '@df/contracts';
import { RetriableError } from '@df/kafka';
import type { RelayDeps } from './deps.ts';
import { alowareDispositionStatus, bodyHash } from './domain/messages.ts';
import { importSentElsewhere } from './external.ts';
import {
  claimAlowareSend,
  messageByAlowareId,
  messageByChatId,
  sendInFlight,
  updateMessage,
} from './store.ts';

type Report = EventOfType<'sms.sent' | 'sms.delivered' | 'sms.failed'>;
type Found = NonNullable<Awaited<ReturnType<typeof messageByChatId>>>;

const skipper = (event: Report, deps: RelayDeps, entityId: string | null) => (reason: string) =>
  deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:skip`),
    entity: { type: 'message', id: entityId },
    direction: 'to_ghl',
    action: 'skipped',
    reason,
    target: { system: 'ghl', id: null },
  });

/**
 * The tools' reports about outbound texts. Texting: `message.sent` of one we sent is our echo; a report about a
 * message we did not send was sent from the texting system's own app and is imported as outbound
 * (`importSentElsewhere`); `delivered` / `failed` become GHL's message status. Aloware: its
 * `OutboundSMS-Disposition*` of our own send is the echo that carries its result.
 */
export async function relayReport(event: Report, deps: RelayDeps): Promise<void> {
  if (event.source === 'aloware') return relayAlowareReport(event, deps);
  const chatId = event.data.chatMessageId;
  const skip = skipper(event, deps, chatId ?? event.entity.id);
  if (event.source !== 'texting') return void (await skip('not_texting'));
  const tenant = deps.config.tenant;
  let found = chatId ? await messageByChatId(deps.db, tenant, chatId) : null;
  const interruptedImport = found?.status === 'importing' && found.row.origin === 'texting';
  if (!found || interruptedImport) {
    const phone = event.data.contactPhone;
    // Our own send's webhooks may outrun the answer that names its chat message id: wait for the record.
    if (!found && phone && (await sendInFlight(deps.db, tenant, phone))) {
      throw new RetriableError('texting reported a message before its send was recorded');
    }
    // Without a chat message id our own sends cannot be told apart: importing could show one twice.
    if (!chatId) return void (await skip('no_chat_message_id'));
    await importSentElsewhere(event, chatId, found, deps);
    if (event.type === 'sms.sent') return;
    found = await messageByChatId(deps.db, tenant, chatId);
    if (!found?.ghlMessageId) return;
  } else if (!found.ghlMessageId) {
    // Our HELP reply: no GHL message to give a status to, its reports are only our echo.
    if (event.type !== 'sms.sent') {
      await updateMessage(deps.db, found.row.id, {
        status: event.type === 'sms.delivered' ? 'delivered' : 'failed',
      });
    }
    return void (await skip('echo'));
  } else if (event.type === 'sms.sent') {
    return void (await skip(found.row.origin === 'texting' ? 'duplicate' : 'echo'));
  }
  const status = event.type === 'sms.delivered' ? 'delivered' : 'failed';
  await reportStatus(event, deps, found, status, chatId);
}

/**
 * Aloware's result of a text we sent through it. Its send answered 202 with no id, so the first disposition
 * for the phone and body claims our oldest send still without one, and keeps its communication id; a repeat
 * finds it by that id. A HELP reply has no GHL message: its disposition is only our echo.
 */
async function relayAlowareReport(event: Report, deps: RelayDeps): Promise<void> {
  const communicationId = event.data.messageId;
  const phone = event.data.contactPhone;
  const skip = skipper(event, deps, communicationId);
  if (!communicationId || !phone) return void (await skip(phone ? 'no_message_id' : 'no_phone'));
  const tenant = deps.config.tenant;
  const found =
    (await messageByAlowareId(deps.db, tenant, communicationId)) ??
    (await claimAlowareSend(
      deps.db,
      { tenant, phone, bodyHash: bodyHash(event.data.body) },
      communicationId,
    ));
  // A text an agent sent from Aloware's own app: importing those into GHL is not built.
  if (!found) return void (await skip('not_sent_by_middleware'));
  const status = alowareDispositionStatus(event.type === 'sms.failed' || event.data.error !== null);
  if (!found.ghlMessageId) {
    await updateMessage(deps.db, found.row.id, { status });
    return void (await skip('echo'));
  }
  await reportStatus(event, deps, found, status, communicationId);
}

async function reportStatus(
  event: Report,
  deps: RelayDeps,
  found: Found,
  status: 'delivered' | 'failed',
  entityId: string | null,
): Promise<void> {
  if (found.status === status) return void (await skipper(event, deps, entityId)('duplicate'));
  const ghlMessageId = found.ghlMessageId!;
  await deps.tools.setMessageStatus(ghlMessageId, status, event.data.error?.message ?? undefined);
  await updateMessage(deps.db, found.row.id, { status });
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:status`),
    entity: { type: 'message', id: entityId },
    direction: 'to_ghl',
    action: 'updated',
    reason: status,
    target: { system: 'ghl', id: ghlMessageId },
  });
}
