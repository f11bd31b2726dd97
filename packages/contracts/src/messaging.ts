import { z } from 'zod';
import { Direction, E164Phone, IsoDateTime } from './scalars.ts';

const text = z.string().nullable();

export const SmsData = z
  .object({
    /** The id the emitting tool gives the message (carrier id for texting, communication id for Aloware). */
    messageId: text,
    /** For texting `message.sent`: the id its send API returned, which recognizes echoes of our own sends. */
    chatMessageId: text,
    conversationId: text,
    alowareContactId: text,
    ghlContactId: text,
    /** The contact's number, whatever the direction. */
    contactPhone: E164Phone.nullable(),
    from: E164Phone.nullable(),
    to: E164Phone.nullable(),
    body: text,
    direction: Direction,
    status: text,
    error: z.object({ code: text, message: text }).nullable(),
    mediaUrls: z.array(z.string()),
    agentId: text,
    sentAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'SmsData' });
export type SmsData = z.infer<typeof SmsData>;

export const ConsentData = z
  .object({
    phone: E164Phone.nullable(),
    /** The keyword as matched (`STOP`, `OPT OUT`, …), or null for an explicit opt-out event without a body. */
    keyword: text,
    channel: z.literal('sms'),
    messageId: text,
    alowareContactId: text,
    ghlContactId: text,
  })
  .meta({ id: 'ConsentData' });
export type ConsentData = z.infer<typeof ConsentData>;
