/** Conversations and messages: one conversation per contact, messages updating its summary, their webhooks. */

import type { Lookups } from './lookups.ts';
import { ghlId, type SimContact, type SimConversation, type SimMessage } from './model.ts';
import type { GhlState } from './state.ts';

export type ConversationOps = ReturnType<typeof conversationOps>;

export function conversationOps({ conversations, messages }: GhlState, { findContact }: Lookups) {
  const conversationFor = (contact: SimContact): SimConversation => {
    for (const c of conversations.values()) if (c.contactId === contact.id) return c;
    const now = new Date().toISOString();
    const conversation: SimConversation = {
      id: ghlId(),
      locationId: contact.locationId,
      contactId: contact.id,
      dateAdded: now,
      dateUpdated: now,
      unreadCount: 0,
    };
    conversations.set(conversation.id, conversation);
    return conversation;
  };

  const conversationToApi = (c: SimConversation) => {
    const contact = findContact(c.contactId);
    return {
      id: c.id,
      contactId: c.contactId,
      locationId: c.locationId,
      // The spec marks these required; a conversation without messages reports an empty body and TYPE_SMS.
      lastMessageBody: c.lastMessageBody ?? '',
      lastMessageType: c.lastMessageType ?? 'TYPE_SMS',
      type: 'TYPE_PHONE',
      unreadCount: c.unreadCount,
      fullName: contact?.name ?? '',
      contactName: contact?.name ?? '',
      email: contact?.email ?? '',
      phone: contact?.phone ?? '',
      dateAdded: Date.parse(c.dateAdded),
      dateUpdated: Date.parse(c.dateUpdated),
      lastMessageDate: c.lastMessageDate ? Date.parse(c.lastMessageDate) : undefined,
      lastMessageDirection: c.lastMessageDirection,
      tags: contact?.tags ?? [],
      sort: [Date.parse(c.dateUpdated)],
    };
  };

  const recordMessage = (m: Omit<SimMessage, 'id' | 'dateAdded'> & { dateAdded?: string }): SimMessage => {
    const message: SimMessage = { ...m, id: ghlId(), dateAdded: m.dateAdded ?? new Date().toISOString() };
    messages.set(message.id, message);
    const conversation = conversations.get(message.conversationId);
    if (conversation) {
      conversation.lastMessageBody = message.body ?? '';
      conversation.lastMessageType = message.messageType;
      conversation.lastMessageDate = message.dateAdded;
      conversation.lastMessageDirection = message.direction;
      conversation.dateUpdated = new Date().toISOString();
      if (message.direction === 'inbound') conversation.unreadCount += 1;
    }
    return message;
  };

  const messageWebhook = (m: SimMessage) => {
    const payload: Record<string, unknown> = {
      type: m.direction === 'inbound' ? 'InboundMessage' : 'OutboundMessage',
      locationId: m.locationId,
      attachments: m.attachments,
      body: m.body ?? '',
      contactId: m.contactId,
      contentType: 'text/plain',
      conversationId: m.conversationId,
      dateAdded: m.dateAdded,
      direction: m.direction,
      messageType: m.channel,
      messageId: m.id,
      status: m.status,
    };
    if (m.direction === 'outbound') payload.source = m.source ?? 'api';
    if (m.userId) payload.userId = m.userId;
    if (m.conversationProviderId) payload.conversationProviderId = m.conversationProviderId;
    return payload;
  };

  return { conversationFor, conversationToApi, recordMessage, messageWebhook };
}
