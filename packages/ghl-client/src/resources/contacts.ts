import { isToolError } from '@df/tool-http';
import type {
  GhlContactInput,
  GhlContactUpdateInput,
  GhlSearchContactsInput,
  GhlSearchFilter,
} from '../inputs.ts';
import {
  contactEnvelope,
  deleteResponse,
  duplicateResponse,
  type GhlContact,
  searchContactsResponse,
  updateContactResponse,
  upsertContactResponse,
} from '../schemas.ts';
import type { Call, Operation } from '../transport.ts';
import { enc, pick, CONTACTS_VERSION as version } from './versions.ts';

export interface GhlContactsApi {
  getContact(contactId: string): Promise<GhlContact>;
  createContact(input: GhlContactInput & { gender?: string }): Promise<GhlContact>;
  /** `companyName` cannot be changed through update (not in `UpdateContactDto`); upsert accepts it. */
  updateContact(contactId: string, input: GhlContactUpdateInput): Promise<GhlContact>;
  /**
   * GHL's own duplicate rules decide create or update. GHL can answer 422 *and* have created the contact: then the
   * contact is looked up by phone / e-mail and returned (`isNew: false`) rather than failing a write that happened.
   */
  upsertContact(
    input: GhlContactInput,
    options?: { createNewIfDuplicateAllowed?: boolean },
  ): Promise<{ isNew: boolean; contact: GhlContact }>;
  deleteContact(contactId: string): Promise<void>;
  findDuplicate(by: { email?: string; phone?: string }): Promise<GhlContact | undefined>;
  searchContacts(input?: GhlSearchContactsInput): Promise<{
    contacts: (GhlContact & { searchAfter?: (string | number)[] })[];
    total: number;
  }>;
  /** Every contact matching the filters, paged with `searchAfter` (no 10 000-record ceiling). */
  iterateContacts(filters: GhlSearchFilter[], options?: { pageLimit?: number }): AsyncIterable<GhlContact>;
  iterateContactsByTag(tag: string, options?: { pageLimit?: number }): AsyncIterable<GhlContact>;
}

const CONTACT_FIELDS = [
  'firstName',
  'lastName',
  'name',
  'email',
  'phone',
  'address1',
  'city',
  'state',
  'postalCode',
  'website',
  'timezone',
  'dnd',
  'dndSettings',
  'inboundDndSettings',
  'tags',
  'source',
  'dateOfBirth',
  'country',
  'companyName',
  'assignedTo',
] as const;

function contactBody(input: GhlContactInput, extra: readonly string[] = []): Record<string, unknown> {
  const body = pick(input, [...CONTACT_FIELDS, ...extra]);
  if (input.customFields)
    body.customFields = input.customFields.map((f) => ({ id: f.id, field_value: f.value }));
  return body;
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function contactsApi(call: Call, locationId: string): GhlContactsApi {
  const api: GhlContactsApi = {
    async getContact(contactId) {
      const path = `/contacts/${enc(contactId)}`;
      return (
        await call({ name: 'getContact', method: 'GET', path, version, idempotent: true }, contactEnvelope)
      ).contact;
    },
    async createContact(input) {
      const body = { ...contactBody(input, ['gender']), locationId };
      const op: Operation = {
        name: 'createContact',
        method: 'POST',
        path: '/contacts/',
        version,
        idempotent: false,
        body,
      };
      return (await call(op, contactEnvelope)).contact;
    },
    async updateContact(contactId, input) {
      // `UpdateContactDto` has no companyName (GHL would answer 422 "property companyName should not exist").
      const { companyName: _, ...body } = contactBody(input);
      const path = `/contacts/${enc(contactId)}`;
      const op = { name: 'updateContact', method: 'PUT', path, version, idempotent: true, body } as const;
      return (await call(op, updateContactResponse)).contact;
    },
    async upsertContact(input, opts = {}) {
      const body: Record<string, unknown> = { ...contactBody(input), locationId };
      if (opts.createNewIfDuplicateAllowed !== undefined)
        body.createNewIfDuplicateAllowed = opts.createNewIfDuplicateAllowed;
      const op: Operation = {
        name: 'upsertContact',
        method: 'POST',
        path: '/contacts/upsert',
        version,
        idempotent: true,
        body,
      };
      try {
        const r = await call(op, upsertContactResponse);
        return { isNew: r.new, contact: r.contact };
      } catch (error) {
        if (!isToolError(error, 'unprocessable')) throw error;
        const phone = str(input.phone);
        const email = str(input.email);
        if (!phone && !email) throw error;
        const found = await api.findDuplicate({ phone, email });
        if (!found) throw error;
        return { isNew: false, contact: found };
      }
    },
    async deleteContact(contactId) {
      const path = `/contacts/${enc(contactId)}`;
      await call(
        { name: 'deleteContact', method: 'DELETE', path, version, idempotent: true },
        deleteResponse,
      );
    },
    async findDuplicate(by) {
      const query = { locationId, number: by.phone, email: by.email };
      const path = '/contacts/search/duplicate';
      const op = { name: 'findDuplicate', method: 'GET', path, version, idempotent: true, query } as const;
      return (await call(op, duplicateResponse)).contact ?? undefined;
    },
    async searchContacts(input = {}) {
      const body: Record<string, unknown> = {
        locationId,
        pageLimit: input.pageLimit ?? 100,
        ...pick(input, ['filters', 'query', 'sort', 'searchAfter']),
      };
      if (input.searchAfter === undefined) body.page = input.page ?? 1;
      const path = '/contacts/search';
      return call(
        { name: 'searchContacts', method: 'POST', path, version, idempotent: true, body },
        searchContactsResponse,
      );
    },
    async *iterateContacts(filters, opts = {}) {
      const pageLimit = opts.pageLimit ?? 100;
      let searchAfter: (string | number)[] | undefined;
      for (;;) {
        const page = await api.searchContacts({ filters, pageLimit, searchAfter });
        for (const contact of page.contacts) yield contact;
        const last = page.contacts.at(-1);
        if (!last?.searchAfter || page.contacts.length < pageLimit) return;
        searchAfter = last.searchAfter;
      }
    },
    iterateContactsByTag(tag, opts) {
      return api.iterateContacts([{ field: 'tags', operator: 'eq', value: tag.toLowerCase() }], opts);
    },
  };
  return api;
}
