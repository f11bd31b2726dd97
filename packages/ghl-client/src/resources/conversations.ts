import { isToolError } from '@df/tool-http';
import type { GhlInboundMessageInput, GhlMessageStatusInput, GhlSendMessageInput } from '../inputs.ts';
import {
  createConversationResponse,
  type GhlConversation,
  type GhlMessage,
  type GhlProcessMessageResult,
  type GhlSendMessageResult,
  messagesResponse,
  processMessageResponse,
  searchConversationsResponse,
  sendMessageResponse,
} from '../schemas.ts';
import type { Call, Operation } from '../transport.ts';
import { enc, pick, CONVERSATIONS_VERSION as version } from './versions.ts';

export interface GhlConversationsApi {
  searchConversations(query?: { contactId?: string; limit?: number; startAfterDate?: number }): Promise<{
    conversations: GhlConversation[];
    total: number;
  }>;
  createConversation(contactId: string): Promise<{ id: string; contactId: string; locationId: string }>;
  /** The contact's conversation (GHL keeps one per contact), created when missing. */
  getOrCreateConversation(contactId: string): Promise<{ id: string; created: boolean }>;
  addInboundMessage(input: GhlInboundMessageInput): Promise<GhlProcessMessageResult>;
  sendMessage(input: GhlSendMessageInput): Promise<GhlSendMessageResult>;
  updateMessageStatus(messageId: string, input: GhlMessageStatusInput): Promise<GhlSendMessageResult>;
  /** One page of a conversation's messages, newest first; pass the returned `lastMessageId` for the next. */
  listMessages(
    conversationId: string,
    query?: { limit?: number; lastMessageId?: string; type?: string[] },
  ): Promise<{ messages: GhlMessage[]; nextPage: boolean; lastMessageId?: string }>;
}

const INBOUND_FIELDS = [
  'conversationId',
  'contactId',
  'conversationProviderId',
  'message',
  'attachments',
  'altId',
  'date',
  'direction',
];
const SEND_FIELDS = [
  'type',
  'contactId',
  'message',
  'attachments',
  'conversationProviderId',
  'fromNumber',
  'toNumber',
];

const op = (
  name: string,
  method: Operation['method'],
  path: string,
  rest: Partial<Operation> = {},
): Operation => ({
  name,
  method,
  path,
  version,
  // Creating a conversation, importing or sending a message twice would duplicate it.
  idempotent: method === 'GET' || method === 'PUT',
  ...rest,
});

export function conversationsApi(call: Call, locationId: string): GhlConversationsApi {
  const api: GhlConversationsApi = {
    searchConversations(query = {}) {
      const { contactId, limit, startAfterDate } = query;
      const q = { locationId, contactId, limit, startAfterDate };
      return call(
        op('searchConversations', 'GET', '/conversations/search', { query: q }),
        searchConversationsResponse,
      );
    },
    async createConversation(contactId) {
      const created = op('createConversation', 'POST', '/conversations/', {
        body: { locationId, contactId },
      });
      return (await call(created, createConversationResponse)).conversation;
    },
    async getOrCreateConversation(contactId) {
      const existing = (await api.searchConversations({ contactId, limit: 1 })).conversations[0];
      if (existing) return { id: existing.id, created: false };
      try {
        return { id: (await api.createConversation(contactId)).id, created: true };
      } catch (error) {
        // Lost a race with another creator: GHL keeps one conversation per contact.
        if (isToolError(error, 'bad_request')) {
          const again = (await api.searchConversations({ contactId, limit: 1 })).conversations[0];
          if (again) return { id: again.id, created: false };
        }
        throw error;
      }
    },
    addInboundMessage(input) {
      const body = { type: input.type ?? 'SMS', ...pick(input, INBOUND_FIELDS) };
      const path = '/conversations/messages/inbound';
      return call(op('addInboundMessage', 'POST', path, { body }), processMessageResponse);
    },
    sendMessage(input) {
      const body = pick(input, SEND_FIELDS);
      return call(op('sendMessage', 'POST', '/conversations/messages', { body }), sendMessageResponse);
    },
    updateMessageStatus(messageId, input) {
      const body = pick(input, ['status', 'error']);
      const path = `/conversations/messages/${enc(messageId)}/status`;
      return call(op('updateMessageStatus', 'PUT', path, { body }), sendMessageResponse);
    },
    listMessages(conversationId, query = {}) {
      const q = { limit: query.limit, lastMessageId: query.lastMessageId, type: query.type?.join(',') };
      const path = `/conversations/${enc(conversationId)}/messages`;
      return call(op('listMessages', 'GET', path, { query: q }), messagesResponse);
    },
  };
  return api;
}
