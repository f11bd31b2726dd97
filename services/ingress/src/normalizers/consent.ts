import { type DraftOfType, detectConsentKeyword, type EventDraft } from '@df/contracts';

/**
 * The consent event an inbound text implies (guarantee 10), published next to its `sms.received`: the
 * message itself still reaches the conversation, the keyword additionally changes the person's consent.
 */
export function consentFromInboundSms(sms: DraftOfType<'sms.received'>): EventDraft[] {
  const match = detectConsentKeyword(sms.data.body);
  if (!match) return [];
  const { data } = sms;
  return [
    {
      type: `consent.${match.action}`,
      sourceEventName: sms.sourceEventName,
      tenant: sms.tenant,
      entity: { type: 'contact', id: data.ghlContactId ?? data.alowareContactId },
      naturalKey: sms.naturalKey,
      occurredAt: sms.occurredAt,
      dedupeKey: `${sms.dedupeKey}:consent`,
      data: {
        phone: data.contactPhone,
        keyword: match.keyword,
        channel: 'sms',
        messageId: data.messageId,
        alowareContactId: data.alowareContactId,
        ghlContactId: data.ghlContactId,
      },
    },
  ];
}
