import type { EventDraft } from '@df/contracts';
import { id, isRecord, type Json, phone, text } from './fields.ts';
import { toSendRequestData } from './ghl-fields.ts';
import { toUtcIso } from './time.ts';

/** The channels GHL's provider delivery webhook names in its `type` (ProviderOutboundMessage.md). */
export const PROVIDER_CHANNELS = ['SMS', 'Email', 'Custom'] as const;

/** The identity of a provider delivery: GHL sends its message once, so the message id names it forever. */
export const providerDeliveryKey = (messageId: string) => `ghl-provider:${messageId}`;

/**
 * A provider delivery (GHL asking us, its conversation provider, to send an agent's message) as opposed to
 * an app webhook: flat, `type` is the channel, no `direction`.
 */
export function isProviderDelivery(body: Json): boolean {
  return (
    PROVIDER_CHANNELS.includes(body.type as (typeof PROVIDER_CHANNELS)[number]) &&
    id(body.messageId) !== null &&
    !body.direction
  );
}

// "Custom" is an extra provider's channel; an e-mail one sends html/subject/emailTo and no phone.
const looksLikeEmail = (body: Json) =>
  phone(body.phone) === null && (body.html !== undefined || body.emailTo !== undefined);

/**
 * Normalizes GHL's ProviderOutboundMessage: SMS (and SMS-carrying Custom) becomes `sms.send_requested`;
 * e-mail is recorded as an `unknown` event with its reason, acknowledged rather than refused, since a refusal
 * only makes GHL retry something this middleware will never deliver. Throws when the body is not a provider
 * delivery.
 */
export function normalizeGhlProvider(body: unknown, now: () => Date = () => new Date()): EventDraft[] {
  if (!isRecord(body)) throw new Error('ghl provider delivery must be a JSON object');
  const channel = text(body.type);
  if (!PROVIDER_CHANNELS.includes(channel as (typeof PROVIDER_CHANNELS)[number])) {
    throw new Error(`expected a provider delivery of type ${PROVIDER_CHANNELS.join(', ')}, got ${channel}`);
  }
  const messageId = id(body.messageId);
  if (!messageId) throw new Error('provider delivery without messageId');
  const base = {
    sourceEventName: 'ProviderOutboundMessage',
    tenant: text(body.locationId) ?? 'unknown',
    naturalKey: phone(body.phone) ?? id(body.contactId) ?? messageId,
    // The delivery carries no time of its own (the simulator adds `timestamp`; GHL does not).
    occurredAt: toUtcIso(body.timestamp) ?? now().toISOString(),
    dedupeKey: providerDeliveryKey(messageId),
  };
  if (channel === 'Email' || (channel === 'Custom' && looksLikeEmail(body))) {
    return [
      {
        ...base,
        type: 'unknown',
        entity: { type: 'unknown', id: messageId },
        data: {
          reason: `unsupported provider channel ${channel}: e-mail is not delivered by this middleware`,
        },
      },
    ];
  }
  const data = toSendRequestData(body);
  return [{ ...base, type: 'sms.send_requested', entity: { type: 'message', id: messageId }, data }];
}
