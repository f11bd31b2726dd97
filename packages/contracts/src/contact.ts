import { z } from 'zod';
import { E164Phone, IsoDateTime } from './scalars.ts';

const text = z.string().nullable();

/**
 * A contact as one tool described it. `null` means "the source did not say", never "erase": the conflict
 * policy relies on telling an empty value from an absent one.
 */
export const ContactData = z
  .object({
    alowareContactId: text,
    ghlContactId: text,
    firstName: text,
    lastName: text,
    name: text,
    /** Trimmed and lower-cased. */
    email: text,
    phone: E164Phone.nullable(),
    companyName: text,
    address: text,
    city: text,
    state: text,
    postalCode: text,
    country: text,
    timezone: text,
    leadSource: text,
    dateOfBirth: text,
    ownerId: text,
    dispositionStatusId: text,
    tags: z.array(z.string()).nullable(),
    /** Do-not-disturb (GHL) or do-not-contact (Aloware). */
    dnd: z.boolean().nullable(),
    /** GHL per-channel DND status keyed by channel (`sms`, `call`, `email`, …). */
    dndChannels: z.record(z.string(), z.string()).nullable(),
    /** Aloware's STOP flag. */
    optedOut: z.boolean().nullable(),
    customFields: z.array(z.object({ id: z.string(), value: z.unknown() })),
    sourceCreatedAt: IsoDateTime.nullable(),
    sourceUpdatedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ContactData' });
export type ContactData = z.infer<typeof ContactData>;
