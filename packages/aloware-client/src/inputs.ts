/** What callers pass to the Aloware client: camel-case here, Aloware's snake-case on the wire. */

type Scalar = string | number | boolean | null;

/** Lead API input (POST /webhook/forms). Camel-case here, Aloware's snake-case on the wire. */
export interface ContactFormInput {
  phoneNumber: string;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  companyName?: string | null;
  leadSource?: string | null;
  timezone?: string | null;
  address?: string | null;
  city?: string | null;
  state?: string | null;
  zipcode?: string | null;
  country?: string | null;
  website?: string | null;
  notes?: string | null;
  csf1?: string | null;
  csf2?: string | null;
  dateOfBirth?: string | null;
  /** Owner (agent) id. */
  userId?: number;
  dispositionStatusId?: number;
  /** Tag names, sent comma-separated (Aloware adds them; it cannot remove tags). */
  tags?: string[];
  /** Id of one existing tag. */
  tagId?: number;
  /** Contact-list (power-dialer) ids to add the contact to, sent comma-separated. */
  listIds?: number[];
  /** Add to the owner's power dialer. */
  addToPowerDialer?: boolean;
  powerDialerPosition?: 'top' | 'bottom';
  sequenceId?: number;
  forceUpdateSequence?: boolean;
  lineId?: number;
  isDnc?: boolean;
  /** Must be true to update an existing contact (otherwise Aloware answers 409). */
  forceUpdate?: boolean;
  /** Account-defined custom fields, sent as flat keys. */
  customFields?: Record<string, Scalar>;
}

export interface ContactFormResult {
  outcome: 'created' | 'updated';
  message: string;
}

export interface SendSmsInput {
  to: string;
  message: string;
  /** Sender line number (E.164); or `lineId`. */
  from?: string;
  lineId?: number;
  /** -1 = company, 0/undefined = the contact's owner, an id = that user. */
  userId?: number;
  imageUrl?: string;
  forceRandom?: boolean;
  customFields?: { custom_field_1?: string; custom_field_2?: string; custom_field_3?: string };
}

export type SequenceTarget =
  | { phoneNumber: string; contactId?: never }
  | { contactId: number; phoneNumber?: never };

export type EnrollSequenceInput = SequenceTarget & { sequenceId: number; forceEnroll?: boolean };

export interface TwoLeggedCallInput {
  userId?: number;
  userPhoneNumber?: string;
  ringGroupId?: number;
  contactPhoneNumber?: string;
  contactId?: number;
  linePhoneNumber?: string;
  lineId?: number;
}
