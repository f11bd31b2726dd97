import { nameUuid } from '@df/contracts';

/**
 * Intent keys and the decisions about one relayed message, with no I/O. The intent key is derived from the
 * source message's identity, so a redelivered webhook, a second copy from another event, or a retry after a
 * crash all find the row written the first time.
 */

export type Origin = 'texting' | 'aloware' | 'ghl';

export const inboundIntentKey = (tenant: string, origin: Origin, sourceMessageId: string) =>
  nameUuid(`messaging-relay:inbound:${tenant}:${origin}:${sourceMessageId}`);

/** An agent's text typed in GHL: one intent per GHL message id, also the texting `Idempotency-Key`. */
export const outboundIntentKey = (tenant: string, ghlMessageId: string) =>
  nameUuid(`messaging-relay:outbound:${tenant}:ghl:${ghlMessageId}`);

/** A HELP reply: one per inbound message that asked, whichever of its events (body keyword, `optout.help`). */
export const helpReplyKey = (tenant: string, sourceMessageId: string) =>
  nameUuid(`messaging-relay:help:${tenant}:${sourceMessageId}`);

export type MessageStatus =
  | 'importing'
  | 'imported'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'failed'
  | 'refused';

export interface MessageRow {
  status: MessageStatus;
  ghlMessageId: string | null;
  ghlConversationId: string | null;
}

/**
 * What to do with an inbound text given its mapping row: import it, skip it as already imported, or look in
 * GHL first (`recover`) because an earlier attempt may have imported it and crashed before recording the id.
 */
export function decideInbound(row: MessageRow | null): 'import' | 'recover' | 'duplicate' {
  if (!row) return 'import';
  if (row.status === 'importing') return row.ghlConversationId ? 'recover' : 'import';
  return 'duplicate';
}

/** What to do with an agent's send request given its mapping row (GHL redelivers, the log is replayed). */
export function decideOutbound(row: MessageRow | null, optedOut: boolean): 'send' | 'refuse' | 'duplicate' {
  if (row && row.status !== 'sending') return 'duplicate';
  // A send interrupted mid-way is sent again with the same Idempotency-Key: the texting system answers once.
  return optedOut ? 'refuse' : 'send';
}
