import {
  type DraftOfType,
  detectConsentKeyword,
  type EventDraft,
  type EventType,
  type SmsData,
} from '@df/contracts';
import { consentFromInboundSms } from './consent.ts';
import { contentHash } from './dedupe.ts';
import { eventKey, id, isRecord, type Json, phone, record, strings, text } from './fields.ts';
import { toUtcIso } from './time.ts';

export interface TextingNormalizeOptions {
  now?: () => Date;
  /** The texting account when the body does not name one (the existing system never does). */
  defaultTenant?: string;
}

const MESSAGE_EVENTS: Record<string, Extract<EventType, `sms.${string}`>> = {
  messagereceived: 'sms.received',
  messagesent: 'sms.sent',
  messagedelivered: 'sms.delivered',
  messagefailed: 'sms.failed',
};
const OPT_OUT_EVENTS: Record<string, Extract<EventType, `consent.${string}`>> = {
  optoutstop: 'consent.opted_out',
  optoutstart: 'consent.opted_in',
  optouthelp: 'consent.help_requested',
};

function toSmsData(body: Json, direction: 'inbound' | 'outbound', sentAt: string | null): SmsData {
  const raw = record(body.raw);
  const from = phone(body.from);
  const to = phone(body.to);
  const failed = body.errorCode != null || body.errorMessage != null || body.status === 'failed';
  return {
    messageId: id(body.messageId),
    chatMessageId: id(raw.chatMessageId),
    conversationId: id(body.conversationId) ?? id(raw.chatId),
    alowareContactId: null,
    ghlContactId: null,
    contactPhone: direction === 'inbound' ? from : to,
    from,
    to,
    body: typeof body.body === 'string' && body.body !== '' ? body.body : null,
    direction,
    status: text(body.status),
    error: failed ? { code: id(body.errorCode), message: text(body.errorMessage) } : null,
    mediaUrls: strings(body.mediaUrls),
    agentId: null,
    sentAt,
  };
}

/**
 * Normalizes one texting-system webhook: message events (`message.*`) and explicit consent events
 * (`optout.*`). Throws only when the body is not a JSON object.
 */
export function normalizeTexting(body: unknown, options: TextingNormalizeOptions = {}): EventDraft[] {
  if (!isRecord(body)) throw new Error('texting webhook body must be a JSON object');
  const now = options.now ?? (() => new Date());
  const sourceEventName = text(body.eventType) ?? '';
  const key = eventKey(sourceEventName);
  const messageId = id(body.messageId);
  const eventId = id(body.eventId) ?? id(body.id);
  const fingerprint = { body: body.body, from: body.from, to: body.to, timestamp: body.timestamp };
  const dedupeKey = eventId
    ? `texting:event:${eventId}`
    : `texting:${sourceEventName}:${messageId ?? contentHash(fingerprint)}`;
  const sentAt = toUtcIso(body.timestamp);
  const direction =
    body.direction === 'inbound' || body.direction === 'outbound'
      ? body.direction
      : key === 'messagereceived' || key.startsWith('optout')
        ? 'inbound'
        : 'outbound';
  const contactPhone = phone(direction === 'inbound' ? body.from : body.to);
  const base = {
    sourceEventName,
    tenant: text(body.accountId) ?? text(body.account_id) ?? options.defaultTenant ?? 'unknown',
    naturalKey: contactPhone ?? messageId ?? dedupeKey,
    // The forwarding time: the texting system sends nothing closer to when the message happened.
    occurredAt: sentAt ?? now().toISOString(),
    dedupeKey,
  };

  const smsType = MESSAGE_EVENTS[key];
  if (smsType) {
    const data = toSmsData(body, direction, sentAt);
    const entity = { type: 'message' as const, id: messageId };
    if (smsType !== 'sms.received') return [{ ...base, type: smsType, entity, data }];
    const received: DraftOfType<'sms.received'> = { ...base, type: smsType, entity, data };
    return [received, ...consentFromInboundSms(received)];
  }
  const consentType = OPT_OUT_EVENTS[key];
  if (consentType) {
    const keyword = detectConsentKeyword(text(body.body))?.keyword ?? null;
    const data = {
      phone: contactPhone,
      keyword,
      channel: 'sms' as const,
      messageId,
      alowareContactId: null,
      ghlContactId: null,
    };
    return [{ ...base, type: consentType, entity: { type: 'contact', id: null }, data }];
  }
  const reason = sourceEventName
    ? `unsupported texting event ${sourceEventName}`
    : 'texting event without eventType';
  return [{ ...base, type: 'unknown', entity: { type: 'unknown', id: messageId }, data: { reason } }];
}
