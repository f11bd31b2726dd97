import { z } from 'zod';
import { nameUuid } from './name-uuid.ts';
import { IsoDateTime, Tenant } from './scalars.ts';

/**
 * contact-sync's fact about one of its mappings (Aloware contact ↔ GHL contact), on `contact-sync.mappings.v1`:
 * published when a mapping is created or its ids, phone, e-mail or closed state change, so other services
 * keep their own copy instead of reading `contact_mappings`. Each fact carries the whole mapping as of `version`.
 */
export const ContactMapped = z
  .object({
    /** Derived from the mapping and its version: the same fact published again carries the same id. */
    id: z.uuid(),
    type: z.literal('contact.mapped'),
    tenant: Tenant,
    /** contact-sync's id for the mapping; stays the same while the ids it holds change. */
    mappingId: z.string().min(1),
    /** Grows with every change of the mapping: a projection keeps the highest it has seen. */
    version: z.number().int().positive(),
    alowareContactId: z.string().min(1).nullable(),
    ghlContactId: z.string().min(1).nullable(),
    /** As contact-sync matches it (E.164 when it came through the ingress). */
    phone: z.string().min(1).nullable(),
    email: z.string().min(1).nullable(),
    /** GHL deleted the contact and contact-sync respects the delete: do not write to `ghlContactId`. */
    closed: z.boolean(),
    /** When contact-sync last saved the mapping. */
    at: IsoDateTime,
  })
  .meta({ id: 'ContactMapped' });
export type ContactMapped = z.infer<typeof ContactMapped>;

/** Key of a person's facts, like the events about them: tenant + phone, else the Aloware id, else the mapping. */
export function contactMappedKey(
  fact: Pick<ContactMapped, 'tenant' | 'phone' | 'alowareContactId' | 'mappingId'>,
) {
  const natural = fact.phone ?? (fact.alowareContactId ? `aloware:${fact.alowareContactId}` : null);
  return `${fact.tenant}:${natural ?? `mapping:${fact.mappingId}`}`;
}

export function contactMappedId(mappingId: string, version: number): string {
  return nameUuid(`contact.mapped|${mappingId}|${version}`);
}
