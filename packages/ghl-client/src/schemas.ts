/** zod schemas for what the client reads from GHL. Loose objects: unknown fields pass through untouched. */
import { z } from 'zod';

const str = z.string();
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const dndSettingSchema = z.looseObject({ status: str, message: opt(str), code: opt(str) });

export const contactSchema = z.looseObject({
  id: str,
  locationId: str,
  name: opt(str),
  firstName: opt(str),
  lastName: opt(str),
  email: opt(str),
  phone: opt(str),
  companyName: opt(str),
  address1: opt(str),
  city: opt(str),
  state: opt(str),
  country: opt(str),
  postalCode: opt(str),
  website: opt(str),
  timezone: opt(str),
  source: opt(str),
  assignedTo: opt(str),
  dateOfBirth: opt(str),
  type: opt(str),
  dnd: opt(z.boolean()),
  dndSettings: opt(z.record(str, dndSettingSchema)),
  tags: opt(z.array(str)).transform((v) => v ?? []),
  customFields: opt(z.array(z.looseObject({ id: str, value: z.unknown() }))).transform((v) => v ?? []),
  dateAdded: opt(str),
  dateUpdated: opt(str),
});
export type GhlContact = z.infer<typeof contactSchema>;

export const contactEnvelope = z.looseObject({ contact: contactSchema });
export const updateContactResponse = z.looseObject({ succeded: opt(z.boolean()), contact: contactSchema });
export const upsertContactResponse = z.looseObject({ new: z.boolean(), contact: contactSchema });
export const deleteResponse = z.looseObject({ succeded: opt(z.boolean()) });
export const duplicateResponse = z.looseObject({ contact: contactSchema.nullish() });
export const searchContactsResponse = z.looseObject({
  contacts: z.array(contactSchema.extend({ searchAfter: opt(z.array(z.union([z.string(), z.number()]))) })),
  total: z.number(),
});
export const tagsResponse = z.looseObject({ tags: z.array(str) });

export const noteSchema = z.looseObject({
  id: str,
  body: str,
  contactId: opt(str),
  userId: opt(str),
  title: opt(str),
  color: opt(str),
  pinned: opt(z.boolean()),
  dateAdded: opt(str),
});
export type GhlNote = z.infer<typeof noteSchema>;
export const notesResponse = z.looseObject({ notes: z.array(noteSchema) });
export const noteEnvelope = z.looseObject({ note: noteSchema });

export const customFieldSchema = z.looseObject({
  id: str,
  name: str,
  fieldKey: str,
  dataType: str,
  model: opt(str),
});
export type GhlCustomField = z.infer<typeof customFieldSchema>;
export const customFieldsResponse = z.looseObject({ customFields: z.array(customFieldSchema) });

export const conversationSchema = z.looseObject({
  id: str,
  contactId: str,
  locationId: str,
  lastMessageBody: opt(str),
  lastMessageType: opt(str),
  unreadCount: opt(z.number()),
});
export type GhlConversation = z.infer<typeof conversationSchema>;
export const searchConversationsResponse = z.looseObject({
  conversations: z.array(conversationSchema),
  total: z.number(),
});
export const createConversationResponse = z.looseObject({
  success: z.boolean(),
  conversation: z.looseObject({ id: str, contactId: str, locationId: str }),
});

export const processMessageResponse = z.looseObject({
  success: z.boolean(),
  conversationId: str,
  messageId: str,
  message: opt(str),
  contactId: opt(str),
  dateAdded: opt(str),
});
export type GhlProcessMessageResult = z.infer<typeof processMessageResponse>;
export const sendMessageResponse = z.looseObject({
  conversationId: str,
  messageId: str,
  status: opt(str),
  msg: opt(str),
  emailMessageId: opt(str),
});
export type GhlSendMessageResult = z.infer<typeof sendMessageResponse>;

export const messageSchema = z.looseObject({
  id: str,
  messageType: str,
  locationId: str,
  contactId: str,
  conversationId: str,
  dateAdded: str,
  direction: z.enum(['inbound', 'outbound']),
  body: opt(str),
  status: opt(str),
  attachments: opt(z.array(str)).transform((v) => v ?? []),
  altId: opt(str),
  userId: opt(str),
  conversationProviderId: opt(str),
  source: opt(str),
});
export type GhlMessage = z.infer<typeof messageSchema>;
const messagesPage = z.looseObject({
  lastMessageId: opt(str),
  nextPage: z.boolean(),
  messages: z.array(messageSchema),
});
// The real answer nests the page under `messages`; the spec shows it flat (ghl-api.md §3.2). Both are read.
export const messagesResponse = z.preprocess((value) => {
  const nested = (value as { messages?: unknown } | null)?.messages;
  return nested && typeof nested === 'object' && !Array.isArray(nested) ? nested : value;
}, messagesPage);

export const userSchema = z.looseObject({
  id: str,
  name: opt(str),
  firstName: opt(str),
  lastName: opt(str),
  email: opt(str),
  phone: opt(str),
});
export type GhlUser = z.infer<typeof userSchema>;
export const usersResponse = z.looseObject({ users: z.array(userSchema) });

export const tokenResponse = z.looseObject({
  access_token: str,
  refresh_token: str,
  expires_in: z.number(),
  token_type: opt(str),
  scope: opt(str),
  userType: opt(str),
  locationId: opt(str),
  companyId: opt(str),
  userId: opt(str),
});
export type GhlTokenResponse = z.infer<typeof tokenResponse>;
