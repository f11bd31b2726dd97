/** The simulator's state model, normalisation rules and contact search (ghl-api.md §2). */
import { randomBytes } from 'node:crypto';

export interface DndSetting {
  status: 'active' | 'inactive' | 'permanent';
  message?: string;
  code?: string;
}

export interface SimContact {
  id: string;
  locationId: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  email?: string;
  phone?: string;
  gender?: string;
  address1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  website?: string;
  timezone?: string;
  dnd: boolean;
  dndSettings?: Record<string, DndSetting>;
  inboundDndSettings?: Record<string, unknown>;
  tags: string[];
  customFields: { id: string; value: unknown }[];
  source?: string;
  dateOfBirth?: string;
  country?: string;
  companyName?: string;
  assignedTo?: string;
  type: string;
  dateAdded: string;
  dateUpdated: string;
}

export interface SimNote {
  id: string;
  contactId: string;
  body: string;
  userId?: string;
  title?: string;
  color?: string;
  pinned?: boolean;
  dateAdded: string;
}

export interface SimConversation {
  id: string;
  locationId: string;
  contactId: string;
  dateAdded: string;
  dateUpdated: string;
  lastMessageDate?: string;
  lastMessageBody?: string;
  lastMessageType?: string;
  lastMessageDirection?: 'inbound' | 'outbound';
  unreadCount: number;
}

export interface SimMessage {
  id: string;
  locationId: string;
  contactId: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  /** The request's channel (`SMS`, `Email`, ...). */
  channel: string;
  messageType: string;
  body?: string;
  attachments: string[];
  status: string;
  dateAdded: string;
  conversationProviderId?: string;
  altId?: string;
  userId?: string;
  source?: string;
  error?: unknown;
}

export interface SimCustomField {
  id: string;
  name: string;
  fieldKey: string;
  dataType: string;
  position: number;
  model: 'contact' | 'opportunity';
}

/** A location's user (an agent); GHL's `GET /users/` shape (no copied spec: UNCERTAIN beyond these fields). */
export interface SimUser {
  id: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
}

/** GHL-style 20-character ids. */
export function ghlId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** E.164 normalisation: `+1 888-888-8888` → `+18888888888`; 10 digits without `+` are taken as NANP. */
export function normalizePhone(input: string): string {
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return `+${digits}`;
}

export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const t = tag.trim().toLowerCase();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Accepts the eight documented `dateOfBirth` formats; returns `YYYY-MM-DDT00:00:00.000Z` or undefined. */
export function normalizeDateOfBirth(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const ymd = /^(\d{4})[/\-._](\d{2})[/\-._](\d{2})/.exec(input);
  const mdy = /^(\d{2})[/\-._](\d{2})[/\-._](\d{4})$/.exec(input);
  if (ymd) return `${ymd[1]}-${ymd[2]}-${ymd[3]}T00:00:00.000Z`;
  if (mdy) return `${mdy[3]}-${mdy[1]}-${mdy[2]}T00:00:00.000Z`;
  return undefined;
}

const STRING_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'gender',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'source',
  'country',
  'companyName',
  'assignedTo',
] as const;

/**
 * Applies a create/update/upsert body to a contact (null clears a field). Custom fields must already be resolved to
 * `{ id, value }`. Returns the names of the fields that changed.
 */
export function applyContactPatch(
  contact: SimContact,
  body: Record<string, unknown>,
  customFields: { id: string; value: unknown }[] | undefined,
): Set<string> {
  const changed = new Set<string>();
  const set = (key: keyof SimContact, value: unknown) => {
    const before = JSON.stringify(contact[key]);
    if (value === null || value === undefined || value === '')
      delete (contact as unknown as Record<string, unknown>)[key];
    else (contact as unknown as Record<string, unknown>)[key] = value;
    if (JSON.stringify(contact[key]) !== before) changed.add(key);
  };
  for (const key of STRING_FIELDS) if (key in body) set(key, body[key]);
  if ('phone' in body)
    set('phone', typeof body.phone === 'string' && body.phone ? normalizePhone(body.phone) : null);
  if ('dateOfBirth' in body) set('dateOfBirth', normalizeDateOfBirth(body.dateOfBirth) ?? null);
  if ('dnd' in body && typeof body.dnd === 'boolean') set('dnd', body.dnd);
  if ('dndSettings' in body && body.dndSettings && typeof body.dndSettings === 'object') {
    set('dndSettings', { ...contact.dndSettings, ...(body.dndSettings as Record<string, DndSetting>) });
  }
  if ('inboundDndSettings' in body) set('inboundDndSettings', body.inboundDndSettings);
  if (Array.isArray(body.tags)) set('tags', normalizeTags(body.tags as string[]));
  if (customFields) {
    const next = [...contact.customFields];
    for (const field of customFields) {
      const index = next.findIndex((f) => f.id === field.id);
      const empty = field.value === null || field.value === undefined || field.value === '';
      if (index >= 0 && empty) next.splice(index, 1);
      else if (index >= 0) next[index] = field;
      else if (!empty) next.push(field);
    }
    set('customFields', next);
  }
  if (('firstName' in body || 'lastName' in body) && !('name' in body)) {
    const full = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
    set('name', full || null);
  }
  if (changed.size > 0) contact.dateUpdated = new Date().toISOString();
  return changed;
}

/** The contact as the v2 API returns it (`GetContectByIdSchema`): undefined fields are omitted. */
export function contactToApi(c: SimContact): Record<string, unknown> {
  const out: Record<string, unknown> = { id: c.id, locationId: c.locationId };
  for (const key of [...STRING_FIELDS, 'phone', 'dateOfBirth'] as const) {
    if (key === 'gender') continue;
    if (c[key] !== undefined) out[key] = c[key];
  }
  if (c.email) out.emailLowerCase = c.email.toLowerCase();
  if (c.firstName) out.firstNameLowerCase = c.firstName.toLowerCase();
  if (c.lastName) out.lastNameLowerCase = c.lastName.toLowerCase();
  if (c.name) out.fullNameLowerCase = c.name.toLowerCase();
  out.dnd = c.dnd;
  if (c.dndSettings) out.dndSettings = c.dndSettings;
  out.type = c.type;
  out.tags = [...c.tags];
  out.customFields = c.customFields.map((f) => ({ ...f }));
  out.dateAdded = c.dateAdded;
  out.dateUpdated = c.dateUpdated;
  return out;
}

/** The flat contact webhook body (webhook-events/ContactCreate.md), without `type`/`timestamp`/`webhookId`. */
export function contactToWebhook(c: SimContact): Record<string, unknown> {
  const out: Record<string, unknown> = { locationId: c.locationId, id: c.id };
  const keys = [
    'address1',
    'city',
    'state',
    'companyName',
    'country',
    'source',
    'dateAdded',
    'dateOfBirth',
    'dnd',
    'email',
    'name',
    'firstName',
    'lastName',
    'phone',
    'postalCode',
    'tags',
    'website',
  ] as const;
  for (const key of keys) if (c[key] !== undefined) out[key] = c[key];
  out.attachments = [];
  if (c.assignedTo) out.assignedTo = c.assignedTo;
  out.customFields = c.customFields.map((f) => ({ ...f }));
  return out;
}

// ---------- search (POST /contacts/search) ----------
