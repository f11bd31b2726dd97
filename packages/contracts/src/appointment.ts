import { z } from 'zod';
import { E164Phone, IsoDateTime } from './scalars.ts';

const text = z.string().nullable();

export const AppointmentData = z
  .object({
    appointmentId: z.string().min(1),
    /** What happened to it at the source; GHL's own examples mislabel this (see ghl-api.md §4.2). */
    action: z.enum(['created', 'updated', 'deleted']),
    title: text,
    status: text,
    calendarId: text,
    alowareContactId: text,
    ghlContactId: text,
    contactPhone: E164Phone.nullable(),
    assignedUserId: text,
    startTime: IsoDateTime.nullable(),
    endTime: IsoDateTime.nullable(),
    location: text,
    notes: text,
    source: text,
    sourceUpdatedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'AppointmentData' });
export type AppointmentData = z.infer<typeof AppointmentData>;

export const UnknownData = z
  .object({
    /** Why ingress could not map it, e.g. `unsupported event` or `unsupported channel Email`. */
    reason: z.string(),
  })
  .meta({ id: 'UnknownData' });
export type UnknownData = z.infer<typeof UnknownData>;
