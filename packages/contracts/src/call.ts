import { z } from 'zod';
import { ContactData } from './contact.ts';
import { Direction, E164Phone, IsoDateTime } from './scalars.ts';

const text = z.string().nullable();
const seconds = z.number().int().nonnegative().nullable();

/** One call as known at the moment of the event; later events about the same `callId` add detail. */
export const CallData = z
  .object({
    callId: z.string().min(1),
    alowareContactId: text,
    ghlContactId: text,
    /** The contact's number, whatever the direction. */
    contactPhone: E164Phone.nullable(),
    /** Our line's number. */
    linePhone: E164Phone.nullable(),
    lineId: text,
    direction: Direction.nullable(),
    status: text,
    /** Outcome of the communication: `completed`, `missed`, `failed`, `voicemail`, … */
    dispositionStatus: text,
    /** The agent-chosen call disposition (account-defined), e.g. `Call back`. */
    disposition: text,
    dispositionId: text,
    durationSeconds: seconds,
    talkTimeSeconds: seconds,
    waitTimeSeconds: seconds,
    agent: z.object({ id: text, name: text, email: text }).nullable(),
    /** What placed the call: `manual`, `api`, `power_dialer`, `sequence`, … */
    origin: text,
    startedAt: IsoDateTime.nullable(),
    recordingUrl: text,
    voicemailUrl: text,
    voicemailDurationSeconds: seconds,
    transcription: text,
    summary: text,
    csatScore: z.number().nullable(),
    contact: ContactData.nullable(),
  })
  .meta({ id: 'CallData' });
export type CallData = z.infer<typeof CallData>;
