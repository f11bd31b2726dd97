/** What callers pass to the client: only fields GHL's DTOs accept (GHL answers 422 to anything else). */

export interface GhlCustomFieldValue {
  id: string;
  value: unknown;
}

/** The contact fields GHL accepts on create / update / upsert (`CreateContactDto`). */
export interface GhlContactInput {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  address1?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string;
  website?: string | null;
  timezone?: string | null;
  dnd?: boolean;
  dndSettings?: Partial<
    Record<
      'Call' | 'Email' | 'SMS' | 'WhatsApp' | 'GMB' | 'FB',
      { status: string; message?: string; code?: string }
    >
  >;
  inboundDndSettings?: { all?: { status: string; message?: string } };
  tags?: string[];
  customFields?: GhlCustomFieldValue[];
  source?: string;
  dateOfBirth?: string | null;
  country?: string;
  companyName?: string | null;
  assignedTo?: string;
}

export type GhlContactUpdateInput = Omit<GhlContactInput, 'companyName'>;

export type GhlSearchFilter =
  | { field: string; operator: string; value?: unknown }
  | { group: 'AND' | 'OR'; filters: GhlSearchFilter[] };

export interface GhlSearchContactsInput {
  filters?: GhlSearchFilter[];
  query?: string;
  page?: number;
  pageLimit?: number;
  searchAfter?: (string | number)[];
  sort?: { field: string; direction: 'asc' | 'desc' }[];
}

export interface GhlNoteInput {
  body: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
}

export type GhlMessageChannel = 'SMS' | 'Email' | 'WhatsApp' | 'Custom' | 'Call' | 'RCS';

export interface GhlInboundMessageInput {
  conversationId: string;
  contactId: string;
  type?: GhlMessageChannel;
  message?: string;
  attachments?: string[];
  conversationProviderId?: string;
  /** The external (texting-system) message id. */
  altId?: string;
  /** ISO date-time of the message. */
  date?: string;
  direction?: 'inbound' | 'outbound';
}

export interface GhlSendMessageInput {
  contactId: string;
  type: Exclude<GhlMessageChannel, 'Call'>;
  message?: string;
  attachments?: string[];
  conversationProviderId?: string;
  fromNumber?: string;
  toNumber?: string;
}

export interface GhlMessageStatusInput {
  status: 'delivered' | 'failed' | 'pending' | 'read';
  error?: { code: string; type: string; message: string };
}
