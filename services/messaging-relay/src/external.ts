import { type EventOfType, nameUuid } from '@df/contracts';
import type { RelayDeps } from './deps.ts';
import { externalIntentKey } from './domain/messages.ts';
import { importIntoConversation } from './import.ts';
import { type loadMessage, recordIntent, updateMessage } from './store.ts';

type Report = EventOfType<'sms.sent' | 'sms.delivered' | 'sms.failed'>;
type Found = Awaited<ReturnType<typeof loadMessage>>;

/**
 * A texting report about a message we did not send: an agent texted from the texting system's own app. It is
 * recorded in the person's GHL conversation as an outbound message, once (`altId` = the texting chat message id),
 * and never sent: GHL has no endpoint for an outbound text sent elsewhere (`POST /conversations/messages/outbound`
 * takes calls only, and `POST /conversations/messages` would make GHL send it again through us), so it goes
 * through the provider's inbound import with `direction: "outbound"`. Whichever report comes first imports it;
 * the later ones (delivered / failed) become its GHL status like our own sends'. The intent is recorded before
 * the import; a crash after GHL's answer is met by looking for the `altId` first.
 */
export async function importSentElsewhere(
  event: Report,
  chatMessageId: string,
  found: Found,
  deps: RelayDeps,
): Promise<void> {
  const entity = { type: 'message' as const, id: chatMessageId };
  const phone = event.data.contactPhone;
  const skip = (reason: string) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:skip`),
      entity,
      direction: 'texting_to_ghl',
      action: 'skipped',
      reason,
      target: { system: 'ghl', id: null },
    });
  // The texting system still writes its texts into GHL itself for this account: importing would double them.
  if (deps.config.cutOverPendingTenants.includes(event.tenant)) return void (await skip('cut_over_pending'));
  if (!phone) return void (await skip('no_phone'));

  const tenant = deps.config.tenant;
  const id = externalIntentKey(tenant, chatMessageId);
  await recordIntent(deps.db, {
    id,
    tenant,
    direction: 'outbound',
    origin: 'texting',
    via: 'texting',
    phone,
    status: 'importing',
    texting_chat_message_id: chatMessageId,
    ...(event.data.messageId !== null && { carrier_message_id: event.data.messageId }),
  });
  const { ghlMessageId, recovered } = await importIntoConversation(deps, {
    id,
    phone,
    found,
    recover: found?.ghlConversationId != null,
    message: {
      body: event.data.body,
      attachments: event.data.mediaUrls,
      altId: chatMessageId,
      date: event.data.sentAt ?? event.occurredAt,
      direction: 'outbound',
    },
  });
  await updateMessage(deps.db, id, { ghl_message_id: ghlMessageId, status: 'sent' });
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:imported`),
    entity,
    direction: 'texting_to_ghl',
    action: 'created',
    reason: recovered ? 'sent_elsewhere_recovered' : 'sent_elsewhere',
    target: { system: 'ghl', id: ghlMessageId },
  });
}
