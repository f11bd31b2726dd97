/** Contacts as the Lead API and the UI change them: tags, power-dialer lists, sequences, their webhooks. */

import { randomUUID } from 'node:crypto';
import { toE164 } from '../kit/index.ts';
import { flag, intOrNull, present, splitList } from './constants.ts';
import { fixtureBody, type JsonObject } from './fixtures.ts';
import type { AlowareState } from './state.ts';
import type { AlowareContact, AlowareTag, LeadFields, PowerDialerList } from './types.ts';
import type { WebhookOut } from './webhook-out.ts';

export type ContactStore = ReturnType<typeof contactStore>;

export function contactStore(st: AlowareState, { emit }: WebhookOut) {
  const { company, now, customFields, users, contacts, byPhone, tags, lists, leadSources } = st;
  // ---------------------------------------------------------------- contacts
  function snapshot(contact: AlowareContact): AlowareContact {
    return structuredClone(contact);
  }

  function newContact(phone: string, intakeSource: string): AlowareContact {
    const template = fixtureBody('Contact-Created');
    const created = now();
    const defaults: JsonObject = {
      id: st.nextContactId++,
      company_id: company.companyId,
      user_id: null,
      initial_campaign_id: company.lineId,
      disposition_status_id: null,
      lead_source_id: null,
      intake_source: intakeSource,
      contact_source: null,
      phone_number: phone,
      company_name: null,
      email: null,
      first_name: null,
      last_name: null,
      name: null,
      timezone: null,
      external_data: null,
      csf1: null,
      csf2: null,
      unread_count: 0,
      cnam_source: null,
      cnam_city: null,
      cnam_state: null,
      cnam_zipcode: null,
      cnam_country: null,
      address: null,
      website: null,
      notes: null,
      date_of_birth: null,
      last_engagement_at: null,
      last_engagement_text: null,
      nb_communications: 0,
      inbound_call_count: 0,
      outbound_call_count: 0,
      inbound_sms_count: 0,
      outbound_sms_count: 0,
      unread_voicemail_count: 0,
      unread_missed_call_count: 0,
      lrn_type: 1,
      is_blocked: false,
      is_dnc: false,
      is_opted_out: false,
      uuid_v4: randomUUID(),
      text_authorized: 0,
      text_authorized_at: null,
      created_at: created,
      campaign_ids: [company.lineId],
      lead_source: null,
      integration_data: null,
      custom_link: null,
      workflow_id: null,
      sequence_id: null,
      tags: [],
    };
    const contact: JsonObject = {};
    for (const key of Object.keys(template)) {
      if (key === 'investor_tier') {
        for (const field of customFields) contact[field] = null;
      } else {
        contact[key] = key in defaults ? defaults[key] : null;
      }
    }
    return contact as AlowareContact;
  }

  function store(contact: AlowareContact): void {
    contacts.set(contact.id, contact);
    // A duplicate saved in the UI does not take the number over: lookups by phone find the first contact.
    if (!byPhone.has(contact.phone_number)) byPhone.set(contact.phone_number, contact.id);
  }

  function find(phoneOrId: string | number): AlowareContact | undefined {
    if (typeof phoneOrId === 'number') return contacts.get(phoneOrId);
    const phone = toE164(phoneOrId);
    const id = phone ? byPhone.get(phone) : undefined;
    return id === undefined ? undefined : contacts.get(id);
  }

  function mustFind(phoneOrId: string | number): AlowareContact {
    const contact = find(phoneOrId);
    if (!contact) throw new Error(`Aloware simulator: no contact ${String(phoneOrId)}`);
    return contact;
  }

  function tagByName(name: string): AlowareTag {
    for (const tag of tags.values()) if (tag.name.toLowerCase() === name.toLowerCase()) return tag;
    const at = now();
    const tag: AlowareTag = {
      id: st.nextTagId++,
      company_id: company.companyId,
      category: 1,
      type: 1,
      name,
      description: null,
      color: '#409EFF',
      created_at: at,
      updated_at: at,
    };
    tags.set(tag.id, tag);
    return tag;
  }

  function ensureList(id: number, name?: string, userId: number | null = null): PowerDialerList {
    let list = lists.get(id);
    if (!list) {
      list = { id, name: name ?? `List ${id}`, userId, contactIds: [] };
      lists.set(id, list);
      if (id >= st.nextListId) st.nextListId = id + 1;
    }
    return list;
  }

  function addToList(list: PowerDialerList, contactId: number, position: 'top' | 'bottom'): void {
    if (list.contactIds.includes(contactId)) return;
    if (position === 'top') list.contactIds.unshift(contactId);
    else list.contactIds.push(contactId);
  }

  function userPowerDialerList(userId: number): PowerDialerList {
    for (const list of lists.values()) if (list.userId === userId) return list;
    const user = users.find((u) => u.id === userId);
    return ensureList(st.nextListId, `${user?.name ?? `User ${userId}`} Power Dialer`, userId);
  }

  /** Applies Lead-API fields to a contact; returns the contact keys whose values changed. */
  function applyLead(contact: AlowareContact, fields: LeadFields, isCreate: boolean): Set<string> {
    const changed = new Set<string>();
    const set = (key: string, value: unknown) => {
      if (JSON.stringify(contact[key]) !== JSON.stringify(value)) changed.add(key);
      contact[key] = value;
    };
    const text: Array<[keyof LeadFields, string]> = [
      ['first_name', 'first_name'],
      ['last_name', 'last_name'],
      ['email', 'email'],
      ['company_name', 'company_name'],
      ['timezone', 'timezone'],
      ['address', 'address'],
      ['website', 'website'],
      ['notes', 'notes'],
      ['csf1', 'csf1'],
      ['csf2', 'csf2'],
      ['date_of_birth', 'date_of_birth'],
      ['city', 'cnam_city'],
      ['state', 'cnam_state'],
      ['zipcode', 'cnam_zipcode'],
      ['country', 'cnam_country'],
    ];
    // An empty value never erases a filled one (Aloware ignores blank form fields).
    for (const [from, to] of text) if (present(fields[from])) set(to, String(fields[from]).trim());
    if (present(fields.name)) {
      const name = String(fields.name).trim();
      set('name', name);
      if (
        !present(fields.first_name) &&
        !present(fields.last_name) &&
        (isCreate || contact.first_name === null)
      ) {
        const [first, ...rest] = name.split(/\s+/);
        set('first_name', first ?? null);
        set('last_name', rest.length > 0 ? rest.join(' ') : null);
      }
    } else if (present(fields.first_name) || present(fields.last_name)) {
      const name = [contact.first_name, contact.last_name].filter((p) => p).join(' ');
      set('name', name === '' ? null : name);
    }
    if (present(fields.lead_source)) {
      const source = String(fields.lead_source).trim();
      let id = leadSources.get(source);
      if (id === undefined) {
        id = leadSources.size + 3;
        leadSources.set(source, id);
      }
      set('lead_source', source);
      set('lead_source_id', id);
    }
    const owner = intOrNull(fields.user_id);
    if (owner !== null) set('user_id', owner);
    const disposition = intOrNull(fields.disposition_status_id);
    if (disposition !== null) set('disposition_status_id', disposition);
    if (fields.is_dnc !== undefined && fields.is_dnc !== null && fields.is_dnc !== '')
      set('is_dnc', flag(fields.is_dnc));
    const line = intOrNull(fields.line_id);
    if (line !== null && isCreate) {
      set('initial_campaign_id', line);
      set('campaign_ids', [line]);
    }
    for (const field of customFields) if (present(fields[field])) set(field, fields[field]);

    // Tags: names (created when missing) and one existing tag id; never removed through the API.
    const wanted: AlowareTag[] = splitList(fields.tags).map(tagByName);
    const tagId = intOrNull(fields.tag_id);
    const existing = tagId === null ? undefined : tags.get(tagId);
    if (existing) wanted.push(existing);
    const current = contact.tags;
    for (const tag of wanted) {
      if (current.some((t) => t.id === tag.id)) continue;
      current.push(structuredClone(tag));
      changed.add('tags');
    }

    // Lists and the power dialer: side effects of the Lead API only.
    const position = fields.powerdialer_position === 'top' ? 'top' : 'bottom';
    for (const id of splitList(fields.list_ids)) {
      const listId = intOrNull(id);
      // The route refused ids of lists that do not exist.
      const list = listId === null ? undefined : lists.get(listId);
      if (list) addToList(list, contact.id, position);
    }
    if (flag(fields.add_to_powerdialer) && contact.user_id !== null) {
      addToList(userPowerDialerList(contact.user_id), contact.id, position);
    }

    const sequence = intOrNull(fields.sequence_id ?? fields.automation_id);
    if (sequence !== null && (contact.sequence_id === null || flag(fields.force_update_sequence))) {
      set('sequence_id', sequence);
      set('workflow_id', sequence);
    }
    return changed;
  }

  function emitContactChanges(contact: AlowareContact, changed: Set<string>): void {
    const other = [...changed].filter(
      (k) => !['is_dnc', 'disposition_status_id', 'sequence_id', 'workflow_id'].includes(k),
    );
    if (other.length > 0) emit('Contact-Updated', snapshot(contact));
    if (changed.has('disposition_status_id')) emit('Contact-Disposed', snapshot(contact));
    if (changed.has('is_dnc')) emit('Contact-DNC-Updated', snapshot(contact));
  }

  function contactFor(phone: string, intakeSource: string): { contact: AlowareContact; created: boolean } {
    const normalized = toE164(phone);
    if (!normalized) throw new Error('Aloware simulator: invalid phone number');
    const existing = find(normalized);
    if (existing) return { contact: existing, created: false };
    const contact = newContact(normalized, intakeSource);
    store(contact);
    emit('Contact-Created', snapshot(contact));
    return { contact, created: true };
  }
  return {
    snapshot,
    newContact,
    store,
    find,
    mustFind,
    tagByName,
    ensureList,
    addToList,
    userPowerDialerList,
    applyLead,
    emitContactChanges,
    contactFor,
  };
}
