/** A conversation's messages (newest first, paged by `lastMessageId`) and the location's users. */
import { randomUUID } from 'node:crypto';
import { badRequest, forbiddenLocation } from '../http.ts';
import type { Lookups } from '../lookups.ts';
import type { SimMessage } from '../model.ts';
import { type AddRoute, CONTACTS_VERSION, CONVERSATIONS_VERSION } from '../router.ts';
import type { GhlState } from '../state.ts';

// GHL's numeric message type: 1 call, 2 SMS, 3 e-mail (ghl-api.md §3.2; 2 is UNCERTAIN).
const NUMERIC_TYPE: Record<string, number> = { Call: 1, SMS: 2, Email: 3 };

const messageToApi = (m: SimMessage) => ({
  id: m.id,
  type: NUMERIC_TYPE[m.channel] ?? 2,
  messageType: m.messageType,
  locationId: m.locationId,
  contactId: m.contactId,
  conversationId: m.conversationId,
  dateAdded: m.dateAdded,
  body: m.body ?? '',
  direction: m.direction,
  status: m.status,
  contentType: 'text/plain',
  attachments: m.attachments,
  ...(m.source && { source: m.source }),
  ...(m.userId && { userId: m.userId }),
  ...(m.conversationProviderId && { conversationProviderId: m.conversationProviderId }),
  ...(m.altId && { altId: m.altId }),
});

export function messageUserRoutes(route: AddRoute, l: Lookups, s: GhlState): void {
  const { requireLocation } = l;
  // No spec validation: the real body nests the page under `messages` (ghl-api.md §3.2: the spec's flat
  // `GetMessagesByConversationResponseDto` is a documentation bug).
  route('GET', '/conversations/{conversationId}/messages', { version: CONVERSATIONS_VERSION }, (req) => {
    const conversation = s.conversations.get(req.params.conversationId as string);
    if (!conversation) throw badRequest('Conversation not found');
    if (req.token?.locationId !== conversation.locationId) throw forbiddenLocation();
    const limit = Math.min(100, Number(req.query.get('limit') ?? 20));
    const types = req.query.get('type')?.split(',');
    let list = [...s.messages.values()]
      .filter((m) => m.conversationId === conversation.id && (!types || types.includes(m.messageType)))
      .reverse();
    const after = req.query.get('lastMessageId');
    if (after) list = list.slice(list.findIndex((m) => m.id === after) + 1);
    const page = list.slice(0, limit);
    const lastMessageId = page.at(-1)?.id ?? '';
    const messages = { lastMessageId, nextPage: list.length > limit, messages: page.map(messageToApi) };
    return { status: 200, body: { messages, traceId: randomUUID() } };
  });

  route('GET', '/users/', { version: CONTACTS_VERSION }, (req) => {
    const loc = requireLocation(req, req.query.get('locationId'));
    return { status: 200, body: { users: loc.users.map((u) => ({ ...u })), traceId: randomUUID() } };
  });
}
