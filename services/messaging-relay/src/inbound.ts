import { type EventOfType, nameUuid } from '@df/contracts';
import type { RelayDeps } from './deps.ts';
import { decideInbound, inboundIntentKey, type Origin } from './domain/messages.ts';
import { importIntoConversation } from './import.ts';
import { loadMessage, recordIntent, updateMessage } from './store.ts';

type Received = EventOfType<'sms.received'>;

/**
 * A person's text (texting system or Aloware) → the contact's GHL conversation, imported through the custom
 * provider with `altId` = the source message id. Three steps: record the intent; find the contact and the
 * conversation (remembered from the person's earlier texts, else looked up) and record them; import and record
 * GHL's message id (`importIntoConversation`). A crash after the import and before its record is met by looking for the `altId` in the
 * conversation before importing again.
 * GHL's own `InboundMessage` (our import coming back, or a text GHL received itself) is not relayed.
 */
export async function relayInbound(event: Received, deps: RelayDeps): Promise<void> {
  const origin = event.source === 'aloware' ? 'aloware' : event.source === 'texting' ? 'texting' : null;
  const sourceId = event.data.messageId ?? event.entity.id;
  const phone = event.data.contactPhone;
  const direction = origin === 'aloware' ? 'aloware_to_ghl' : 'texting_to_ghl';
  const entity = { type: 'message' as const, id: sourceId };
  const skip = (reason: string) =>
    deps.report(event, {
      id: nameUuid(`${event.id}:messaging-relay:skip`),
      entity,
      direction: origin ? direction : 'internal',
      action: 'skipped',
      reason,
      target: { system: 'ghl', id: null },
    });
  if (!origin) return void (await skip('echo'));
  if (deps.config.cutOverPendingTenants.includes(event.tenant)) return void (await skip('cut_over_pending'));
  if (!sourceId || !phone) return void (await skip(!phone ? 'no_phone' : 'no_message_id'));

  const tenant = deps.config.tenant;
  const id = inboundIntentKey(tenant, origin as Origin, sourceId);
  const found = await loadMessage(deps.db, id);
  const decision = decideInbound(found);
  if (decision === 'duplicate') return void (await skip('duplicate'));
  await recordIntent(deps.db, {
    id,
    tenant,
    direction: 'inbound',
    origin: origin as Origin,
    phone,
    status: 'importing',
    ...(origin === 'texting' ? { carrier_message_id: sourceId } : { aloware_communication_id: sourceId }),
  });

  const { ghlMessageId, recovered } = await importIntoConversation(deps, {
    id,
    phone,
    found,
    recover: decision === 'recover',
    message: {
      body: event.data.body,
      attachments: event.data.mediaUrls,
      altId: sourceId,
      date: event.data.sentAt ?? event.occurredAt,
      direction: 'inbound',
    },
  });
  await updateMessage(deps.db, id, { ghl_message_id: ghlMessageId, status: 'imported' });
  await deps.report(event, {
    id: nameUuid(`${event.id}:messaging-relay:imported`),
    entity,
    direction,
    action: 'created',
    reason: recovered ? 'recovered' : null,
    target: { system: 'ghl', id: ghlMessageId },
  });
}
