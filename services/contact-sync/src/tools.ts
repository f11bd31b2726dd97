import type { AlowareClient } from '@df/aloware-client';
import { toE164 } from '@df/contracts';
import type { GhlClient, GhlContact, GhlContactInput } from '@df/ghl-client';
import { isGhlError } from '@df/ghl-client';
import { consentOf, SMS_OPT_OUT_TAG, type Snapshot } from './domain/snapshot.ts';
import { createOwnerDirectory, type OwnerDirectory } from './owners.ts';

/**
 * The two tools as contact-sync needs them: write a set of synced fields, read a contact for "sync now".
 * Translating field names is all that happens here; deciding what to write is the domain's job.
 */
export interface ContactTools {
  ghl: {
    /**
     * Creates or finds the contact (GHL's own duplicate rules) and writes the fields; returns its id.
     * `alowareContactId` goes into the GHL custom field configured for it, when the location has one.
     */
    upsert(fields: Snapshot, alowareContactId?: string | null): Promise<{ id: string; created: boolean }>;
    update(id: string, fields: Snapshot, alowareContactId?: string | null): Promise<void>;
    get(id: string): Promise<Snapshot | null>;
    findByPhone(phone: string): Promise<{ id: string; snapshot: Snapshot } | null>;
  };
  aloware: {
    /** Aloware's Lead API creates or (with force_update) updates by phone number; it returns no id. */
    upsert(phone: string, fields: Snapshot, tags?: string[]): Promise<'created' | 'updated'>;
    findByPhone(phone: string): Promise<{ id: string; snapshot: Snapshot } | null>;
  };
  /** Contact owners across the tools, by the users' e-mails. */
  owners: OwnerDirectory;
  /** Upstream calls made so far (the efficiency figure). */
  calls(): number;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
const blocking = (blocked: boolean) => (blocked ? 'active' : 'inactive');

function toGhlInput(fields: Snapshot): GhlContactInput {
  const input: GhlContactInput = {};
  if (fields.firstName !== undefined) input.firstName = String(fields.firstName);
  if (fields.lastName !== undefined) input.lastName = String(fields.lastName);
  if (fields.email !== undefined) input.email = String(fields.email);
  if (fields.phone !== undefined) input.phone = String(fields.phone);
  if (fields.city !== undefined) input.city = String(fields.city);
  if (fields.state !== undefined) input.state = String(fields.state);
  if (fields.country !== undefined) input.country = String(fields.country);
  if (fields.timezone !== undefined) input.timezone = String(fields.timezone);
  if (fields.leadSource !== undefined) input.source = String(fields.leadSource);
  const dndSettings: NonNullable<GhlContactInput['dndSettings']> = {};
  if (typeof fields.callsBlocked === 'boolean') dndSettings.Call = { status: blocking(fields.callsBlocked) };
  if (typeof fields.textsBlocked === 'boolean') dndSettings.SMS = { status: blocking(fields.textsBlocked) };
  if (Object.keys(dndSettings).length > 0) input.dndSettings = dndSettings;
  if (fields.ghlDndAll === true) input.dnd = true;
  if (fields.ghlDndAll === false) {
    // The all-channel DND becomes per-channel settings: the channels we do not sync stay blocked as it had them.
    input.dnd = false;
    for (const other of ['Email', 'WhatsApp', 'GMB', 'FB'] as const)
      dndSettings[other] = { status: 'active' };
    input.dndSettings = dndSettings;
  }
  return input;
}

export function snapshotFromGhl(contact: GhlContact): Snapshot {
  const c = contact as Record<string, unknown>;
  const snapshot: Snapshot = {};
  const set = (field: keyof Snapshot, value: unknown) => {
    if (typeof value === 'string' || typeof value === 'boolean') snapshot[field] = value;
  };
  set('firstName', c.firstName);
  set('lastName', c.lastName);
  set('email', str(c.email)?.trim().toLowerCase());
  set('phone', toE164(c.phone) ?? undefined);
  set('city', c.city);
  set('state', c.state);
  set('country', c.country);
  set('timezone', c.timezone);
  set('leadSource', c.source);
  const channels = Object.fromEntries(
    Object.entries(contact.dndSettings ?? {}).map(([channel, setting]) => [
      channel.toLowerCase(),
      setting.status,
    ]),
  );
  return {
    ...snapshot,
    ...consentOf({ dnd: contact.dnd ?? null, dndChannels: channels, optedOut: null, tags: null }, 'ghl', ''),
  };
}

export interface ContactToolsOptions {
  /** GHL custom field key (without `contact.`) that holds the Aloware contact id; null: do not write it. */
  alowareIdFieldKey: string | null;
  /** The Aloware tag that stands for "texts blocked in GHL" (Aloware's API cannot set its opt-out flag). */
  smsOptOutTag: string;
}

export function createContactTools(
  ghl: GhlClient,
  aloware: AlowareClient,
  options: ContactToolsOptions = { alowareIdFieldKey: 'aloware_contact_id', smsOptOutTag: SMS_OPT_OUT_TAG },
): ContactTools {
  let calls = 0;
  const counted = <T>(promise: Promise<T>) => {
    calls += 1;
    return promise;
  };
  // Custom field ids differ per location; resolved once, on the first write that needs one.
  let alowareIdField: Promise<string | null> | undefined;
  const resolveAlowareIdField = () => {
    const key = options.alowareIdFieldKey;
    if (!key) return Promise.resolve(null);
    alowareIdField ??= counted(ghl.listCustomFields())
      .then((fields) => fields.find((f) => f.fieldKey === `contact.${key}`)?.id ?? null)
      .catch((error) => {
        alowareIdField = undefined;
        throw error;
      });
    return alowareIdField;
  };
  const owners = createOwnerDirectory(
    { listUsers: () => counted(ghl.listUsers()) },
    { listUsers: () => counted(aloware.listUsers()) },
  );
  const ownerId = (side: 'ghl' | 'aloware', fields: Snapshot) =>
    typeof fields.ownerEmail === 'string' ? owners.idOf(side, fields.ownerEmail) : Promise.resolve(null);
  const ghlInput = async (fields: Snapshot, alowareContactId?: string | null): Promise<GhlContactInput> => {
    const assignedTo = await ownerId('ghl', fields);
    const input = { ...toGhlInput(fields), ...(assignedTo ? { assignedTo } : {}) };
    if (!alowareContactId) return input;
    const fieldId = await resolveAlowareIdField();
    return fieldId ? { ...input, customFields: [{ id: fieldId, value: alowareContactId }] } : input;
  };
  return {
    ghl: {
      async upsert(fields, alowareContactId) {
        const input = await ghlInput(fields, alowareContactId);
        // The client recovers GHL's "422 but created" itself (finds the contact it created).
        const { isNew, contact } = await counted(ghl.upsertContact(input));
        return { id: contact.id, created: isNew };
      },
      async update(id, fields, alowareContactId) {
        await counted(ghl.updateContact(id, await ghlInput(fields, alowareContactId)));
      },
      async get(id) {
        try {
          return snapshotFromGhl(await counted(ghl.getContact(id)));
        } catch (error) {
          if (isGhlError(error) && error.code === 'not_found') return null;
          throw error;
        }
      },
      async findByPhone(phone) {
        const found = await counted(ghl.findDuplicate({ phone }));
        return found ? { id: found.id, snapshot: snapshotFromGhl(found) } : null;
      },
    },
    aloware: {
      async upsert(phone, fields, tags) {
        const allTags = [...(tags ?? []), ...(fields.textsBlocked === true ? [options.smsOptOutTag] : [])];
        const userId = await ownerId('aloware', fields);
        const result = await counted(
          aloware.upsertContactForm({
            phoneNumber: phone,
            firstName: str(fields.firstName),
            lastName: str(fields.lastName),
            email: str(fields.email),
            city: str(fields.city),
            state: str(fields.state),
            country: str(fields.country),
            timezone: str(fields.timezone),
            leadSource: str(fields.leadSource),
            ...(typeof fields.callsBlocked === 'boolean' ? { isDnc: fields.callsBlocked } : {}),
            ...(userId ? { userId: Number(userId) } : {}),
            ...(allTags.length > 0 ? { tags: allTags } : {}),
            forceUpdate: true,
          }),
        );
        return result.outcome;
      },
      async findByPhone(phone) {
        const found = await counted(aloware.lookupContactByPhone(phone));
        if (!found) return null;
        const snapshot: Snapshot = {};
        if (found.first_name) snapshot.firstName = found.first_name;
        if (found.last_name) snapshot.lastName = found.last_name;
        if (found.email) snapshot.email = found.email.trim().toLowerCase();
        snapshot.phone = toE164(found.phone_number) ?? found.phone_number;
        if (found.timezone) snapshot.timezone = found.timezone;
        if (found.lead_source) snapshot.leadSource = found.lead_source;
        const consent = consentOf(
          {
            dnd: typeof found.is_dnc === 'boolean' ? found.is_dnc : null,
            dndChannels: null,
            optedOut: typeof found.is_opted_out === 'boolean' ? found.is_opted_out : null,
            tags: (found.tags ?? []).map((t) => (typeof t === 'string' ? t : t.name)),
          },
          'aloware',
          options.smsOptOutTag,
        );
        return { id: String(found.id), snapshot: { ...snapshot, ...consent } };
      },
    },
    owners,
    calls: () => calls,
  };
}
