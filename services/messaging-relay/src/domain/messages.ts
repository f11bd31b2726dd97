import { createHash } from 'node:crypto';
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

/** A text an agent sent from the texting system's own app (not through GHL): one import per chat message id. */
export const externalIntentKey = (tenant: string, chatMessageId: string) =>
  nameUuid(`messaging-relay:outbound:${tenant}:texting:${chatMessageId}`);

/**
 * What identifies a text sent through Aloware when its disposition webhook comes back: Aloware's 202 carries no
 * id, so the webhook is matched to our send by phone and this hash of the body (bodies are never stored).
 */
export const bodyHash = (body: string | null) =>
  createHash('sha256')
    .update(body ?? '')
    .digest('hex');

/** A HELP reply: one per inbound message that asked, whichever of its events (body keyword, `optout.help`). */
export const helpReplyKey = (tenant: string, sourceMessageId: string) =>
  nameUuid(`messaging-relay:help:${tenant}:${sourceMessageId}`);

export type MessageStatus =
  | 'importing'
  | 'imported'
  | 'sending'
  /** Aloware refused the call with an answer (429, 5xx): not accepted, so sending again texts once. */
  | 'queued'
  /** An Aloware send interrupted with no answer: it may have gone out, and Aloware takes no idempotency key. */
  | 'unconfirmed'
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

/**
 * An agent's text routed through Aloware, given its mapping row. Aloware's send takes no idempotency key, so a
 * send interrupted without an answer (`sending` found again) is never repeated: it is `unconfirmed`, and its
 * disposition webhook, if Aloware did send it, still completes it. One Aloware refused with an answer is sent.
 */
export function decideAlowareSend(
  row: MessageRow | null,
  optedOut: boolean,
): 'send' | 'refuse' | 'unconfirmed' | 'duplicate' {
  if (row?.status === 'sending') return 'unconfirmed';
  if (row && row.status !== 'queued') return 'duplicate';
  return optedOut ? 'refuse' : 'send';
}

/** The GHL status an Aloware outbound SMS disposition means: one webhook per SMS, its final result. */
export const alowareDispositionStatus = (failed: boolean): 'delivered' | 'failed' =>
  failed ? 'failed' : 'delivered';
