/** Conversations and messages: search, create, read, send (through the provider), inbound import, status. */

import { randomUUID } from 'node:crypto';
import type { ConversationOps } from '../conversation-ops.ts';
import { badRequest, capped, forbiddenLocation, unauthorized } from '../http.ts';
import type { Lookups } from '../lookups.ts';
import type { SimMessage } from '../model.ts';
import { type AddRoute, CONVERSATIONS_VERSION } from '../router.ts';
import type { GhlState } from '../state.ts';

export function conversationRoutes(route: AddRoute, l: Lookups, v: ConversationOps, s: GhlState): void {
  const { requireLocation, requireContact, validateBody, emit } = l;
  const { conversationFor, conversationToApi, recordMessage, messageWebhook } = v;
  const { conversations, messages, conversationProviderId, providerEvents, dispatcher } = s;
  const V = { spec: 'conversations' as const, version: CONVERSATIONS_VERSION };
  /** An imported message (inbound or outbound): its webhook is emitted, and GHL answers with the ids. */
  const added = (message: SimMessage) => {
    emit(messageWebhook(message));
    return {
      status: 200,
      body: {
        success: true,
        conversationId: message.conversationId,
        messageId: message.id,
        message: 'Message added successfully',
        contactId: message.contactId,
        dateAdded: message.dateAdded,
        traceId: randomUUID(),
      },
    };
  };
  // Conversations
  route('GET', '/conversations/search', V, (req) => {
    const loc = requireLocation(req, req.query.get('locationId'));
    const contactId = req.query.get('contactId');
    const limit = Number(req.query.get('limit') ?? 20);
    const startAfter = req.query.get('startAfterDate');
    const desc = (req.query.get('sort') ?? 'desc') === 'desc';
    let list = [...conversations.values()].filter((c) => c.locationId === loc.id);
    if (contactId) list = list.filter((c) => c.contactId === contactId);
    const total = list.length;
    list.sort((a, b) => (Date.parse(a.dateUpdated) - Date.parse(b.dateUpdated)) * (desc ? -1 : 1));
    if (startAfter) {
      const after = Number(startAfter);
      list = list.filter((c) =>
        desc ? Date.parse(c.dateUpdated) < after : Date.parse(c.dateUpdated) > after,
      );
    }
    return {
      status: 200,
      body: { conversations: list.slice(0, limit).map(conversationToApi), total, traceId: randomUUID() },
    };
  });
  route('POST', '/conversations/', V, (req) => {
    const body = validateBody('conversations', 'CreateConversationDto', req.body);
    const loc = requireLocation(req, body.locationId);
    const contact = loc.contacts.get(body.contactId as string);
    if (!contact) throw badRequest('Contact not found');
    const existing = [...conversations.values()].find((c) => c.contactId === contact.id);
    // UNCERTAIN in GHL (ghl-api.md §11.7): modelled as 400 carrying the existing conversation's id.
    if (existing) throw badRequest('Conversation already exists', { conversationId: existing.id });
    const c = conversationFor(contact);
    return {
      status: 201,
      body: {
        success: true,
        conversation: {
          id: c.id,
          dateUpdated: c.dateUpdated,
          dateAdded: c.dateAdded,
          deleted: false,
          contactId: c.contactId,
          locationId: c.locationId,
          lastMessageDate: c.lastMessageDate ?? c.dateAdded,
        },
        traceId: randomUUID(),
      },
    };
  });
  route('GET', '/conversations/{conversationId}', V, (req) => {
    const c = conversations.get(req.params.conversationId as string);
    if (!c) throw badRequest('Conversation not found');
    if (req.token?.locationId !== c.locationId) throw forbiddenLocation();
    return {
      status: 200,
      body: {
        id: c.id,
        contactId: c.contactId,
        locationId: c.locationId,
        deleted: false,
        inbox: true,
        type: 1,
        unreadCount: c.unreadCount,
        starred: false,
        traceId: randomUUID(),
      },
    };
  });
  route('POST', '/conversations/messages', V, (req) => {
    const body = validateBody('conversations', 'SendMessageBodyDto', req.body);
    const contact = requireContact(req, body.contactId as string);
    const type = body.type as string;
    const viaProvider =
      type === 'SMS' || (type === 'Custom' && body.conversationProviderId === conversationProviderId);
    if (body.conversationProviderId !== undefined && body.conversationProviderId !== conversationProviderId) {
      throw badRequest('Incorrect conversationProviderId/type');
    }
    if (type === 'SMS' && !contact.phone) throw badRequest('Contact does not have a phone number');
    const conversation = conversationFor(contact);
    const message = recordMessage({
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction: 'outbound',
      channel: type,
      messageType: viaProvider ? 'TYPE_CUSTOM_PROVIDER_SMS' : `TYPE_${type.toUpperCase()}`,
      body: body.message as string | undefined,
      attachments: (body.attachments as string[] | undefined) ?? [],
      status: 'pending',
      source: 'api',
      ...(viaProvider && { conversationProviderId }),
    });
    emit(messageWebhook(message));
    if (viaProvider) {
      const payload: Record<string, unknown> = {
        contactId: contact.id,
        locationId: contact.locationId,
        messageId: message.id,
        type,
        phone: contact.phone,
        message: message.body ?? '',
        attachments: message.attachments,
      };
      capped(providerEvents, payload);
      if (s.providerWebhookUrl) dispatcher.enqueue(s.providerWebhookUrl, payload);
    }
    return {
      status: 200,
      body: {
        conversationId: conversation.id,
        messageId: message.id,
        msg: 'Message queued successfully.',
        status: 'pending',
        traceId: randomUUID(),
      },
    };
  });
  route('POST', '/conversations/messages/inbound', V, (req) => {
    const body = validateBody('conversations', 'ProcessMessageBodyDto', req.body);
    const providerId = body.conversationProviderId as string | undefined;
    if (providerId !== undefined && req.token?.kind === 'pit') {
      throw unauthorized(`You don't have access to the conversationProvider with id: ${providerId}`);
    }
    if (providerId !== undefined && providerId !== conversationProviderId) {
      throw badRequest('Incorrect conversationProviderId/type');
    }
    const contact = requireContact(req, body.contactId as string);
    const conversation = conversations.get(body.conversationId as string);
    if (!conversation || conversation.contactId !== contact.id) throw badRequest('Conversation not found');
    const direction = body.direction === 'outbound' ? 'outbound' : 'inbound';
    const type = body.type as string;
    const message = recordMessage({
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction,
      channel: type,
      messageType: providerId ? 'TYPE_CUSTOM_PROVIDER_SMS' : `TYPE_${type.toUpperCase()}`,
      body: body.message as string | undefined,
      attachments: (body.attachments as string[] | undefined) ?? [],
      // An outbound import records a text sent outside GHL (nothing is sent): `sent` until its provider reports.
      status: direction === 'outbound' ? 'sent' : 'delivered',
      ...(typeof body.date === 'string' && { dateAdded: new Date(body.date).toISOString() }),
      ...(providerId && { conversationProviderId: providerId }),
      ...(typeof body.altId === 'string' && { altId: body.altId }),
    });
    return added(message);
  });
  // "Add an external outbound call": `type` admits only "Call" (the validator refuses an SMS with 422), so a text
  // sent outside GHL is recorded through the inbound import with `direction: "outbound"` instead (ghl-api.md §3.5).
  route('POST', '/conversations/messages/outbound', V, (req) => {
    const body = validateBody('conversations', 'ProcessOutboundMessageBodyDto', req.body);
    const providerId = body.conversationProviderId as string;
    if (req.token?.kind === 'pit') {
      throw unauthorized(`You don't have access to the conversationProvider with id: ${providerId}`);
    }
    if (providerId !== conversationProviderId) throw badRequest('Incorrect conversationProviderId/type');
    const conversation = conversations.get(body.conversationId as string);
    if (!conversation) throw badRequest('Conversation not found');
    const contact = requireContact(req, conversation.contactId);
    const message = recordMessage({
      locationId: contact.locationId,
      contactId: contact.id,
      conversationId: conversation.id,
      direction: 'outbound',
      channel: 'Call',
      messageType: 'TYPE_CALL',
      attachments: (body.attachments as string[] | undefined) ?? [],
      status: 'completed',
      conversationProviderId: providerId,
      ...(typeof body.date === 'string' && { dateAdded: new Date(body.date).toISOString() }),
      ...(typeof body.altId === 'string' && { altId: body.altId }),
    });
    return added(message);
  });
  route('PUT', '/conversations/messages/{messageId}/status', V, (req) => {
    const body = validateBody('conversations', 'UpdateMessageStatusDto', req.body);
    const message = messages.get(req.params.messageId as string);
    if (!message) throw badRequest('Message not found');
    if (req.token?.locationId !== message.locationId) throw forbiddenLocation();
    // Only the conversation provider's marketplace app may update statuses (ConversationProviders.md).
    if (req.token?.kind === 'pit' || !message.conversationProviderId) {
      throw unauthorized(
        `You don't have access to the conversationProvider with id: ${conversationProviderId}`,
      );
    }
    message.status = body.status as string;
    if (body.error !== undefined) message.error = body.error;
    return {
      status: 200,
      body: {
        conversationId: message.conversationId,
        messageId: message.id,
        status: message.status,
        traceId: randomUUID(),
      },
    };
  });
}
