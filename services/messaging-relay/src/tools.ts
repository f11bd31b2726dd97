import { setTimeout as sleep } from 'node:timers/promises';
import type { GhlClient } from '@df/ghl-client';
import { isOptedOut, type TextingClient } from '@df/texting-client';
import { isToolError } from '@df/tool-http';

/** The tools as messaging-relay needs them; GHL calls go through the custom conversation provider's app. */
export interface RelayTools {
  /** Finds or creates the GHL contact by phone through GHL's upsert, the idempotent path contact-sync uses. */
  ghlContactFor(phone: string): Promise<string>;
  /** The contact's conversation, found or created (GHL keeps one per contact). */
  conversationFor(contactId: string): Promise<string>;
  /** Imports a text into the conversation as the provider's (never `POST /conversations/messages`: it sends). */
  importMessage(input: ImportInput): Promise<string>;
  /** The id of a message already imported with this `altId`, if an earlier attempt got that far. */
  findImported(conversationId: string, altId: string): Promise<string | null>;
  setMessageStatus(ghlMessageId: string, status: 'delivered' | 'failed', error?: string): Promise<void>;
  setSmsDnd(contactId: string, active: boolean): Promise<void>;
  /** Sends through the texting system; `opted_out` when it answers 409 "recipient opted out". */
  sendText(input: SendInput): Promise<{ chatMessageId: string } | 'opted_out'>;
  /**
   * Sends through Aloware's SMS gateway: 202 means accepted, with no id; the outcome comes later as an
   * `OutboundSMS-Disposition*` webhook. Throws when no Aloware client was given (no routing rule needs one).
   */
  sendViaAloware(input: AlowareSendInput): Promise<void>;
}

/** The one Aloware call the relay makes; `AlowareClient` from `@df/aloware-client` is one. */
export interface AlowareSmsGateway {
  sendSms(input: {
    to: string;
    message: string;
    from?: string;
    lineId?: number;
    userId?: number;
    imageUrl?: string;
  }): Promise<unknown>;
}

export interface AlowareSendInput {
  to: string;
  body: string;
  from?: string;
  lineId?: number;
  userId?: number;
  /** Aloware's gateway takes one image (MMS): the first attachment. */
  imageUrl?: string;
}

export interface ImportInput {
  conversationId: string;
  contactId: string;
  body: string | null;
  attachments: string[];
  altId: string;
  date: string | null;
  direction: 'inbound' | 'outbound';
}

export interface SendInput {
  to: string;
  body: string;
  idempotencyKey: string;
  correlationId: string;
}

export interface RelayToolsOptions {
  conversationProviderId: string;
  /**
   * How long a status update answered 403 is retried: GHL refuses the provider's status updates for 5–10 s
   * after its provider webhook (ConversationProviders.md).
   */
  statusForbiddenWindowMs?: number;
  statusRetryIntervalMs?: number;
}

export function createRelayTools(
  ghl: GhlClient,
  texting: TextingClient,
  options: RelayToolsOptions,
  aloware: AlowareSmsGateway | null = null,
): RelayTools {
  const windowMs = options.statusForbiddenWindowMs ?? 15_000;
  const intervalMs = options.statusRetryIntervalMs ?? 1_000;
  return {
    async ghlContactFor(phone) {
      return (await ghl.upsertContact({ phone })).contact.id;
    },
    async conversationFor(contactId) {
      return (await ghl.getOrCreateConversation(contactId)).id;
    },
    async importMessage(input) {
      const imported = await ghl.addInboundMessage({
        type: 'SMS',
        conversationId: input.conversationId,
        contactId: input.contactId,
        conversationProviderId: options.conversationProviderId,
        ...(input.body !== null && { message: input.body }),
        attachments: input.attachments,
        altId: input.altId,
        ...(input.date !== null && { date: input.date }),
        // Always said: the spec documents "default is outbound" for this inbound import. The spec types it as
        // an object, while its description and example are strings (the simulator follows those).
        direction: input.direction,
      });
      return imported.messageId;
    },
    async findImported(conversationId, altId) {
      // Only on the crash-recovery path, so the first page (newest first) is where a just-imported text is.
      const page = await ghl.listMessages(conversationId, { limit: 50 });
      return page.messages.find((m) => m.altId === altId)?.id ?? null;
    },
    async setMessageStatus(ghlMessageId, status, error) {
      const deadline = Date.now() + windowMs;
      const body = {
        status,
        ...(error !== undefined && { error: { code: '1', type: 'saas', message: error } }),
      };
      for (;;) {
        try {
          await ghl.updateMessageStatus(ghlMessageId, body);
          return;
        } catch (failure) {
          // The documented 403 right after the provider webhook passes; anything else, or past it, is real.
          if (!isToolError(failure, 'forbidden') || Date.now() >= deadline) throw failure;
          await sleep(intervalMs);
        }
      }
    },
    async setSmsDnd(contactId, active) {
      const status = active ? 'active' : 'inactive';
      await ghl.updateContact(contactId, { dndSettings: { SMS: { status } } });
    },
    async sendViaAloware(input) {
      if (!aloware)
        throw new Error('a routing rule sends through Aloware, but no Aloware client was configured');
      await aloware.sendSms({
        to: input.to,
        message: input.body,
        ...(input.from !== undefined && { from: input.from }),
        ...(input.lineId !== undefined && { lineId: input.lineId }),
        ...(input.userId !== undefined && { userId: input.userId }),
        ...(input.imageUrl !== undefined && { imageUrl: input.imageUrl }),
      });
    },
    async sendText(input) {
      try {
        const sent = await texting.sendMessage(input);
        return { chatMessageId: sent.messageId };
      } catch (error) {
        if (isOptedOut(error)) return 'opted_out';
        throw error;
      }
    },
  };
}
