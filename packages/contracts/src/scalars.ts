import { z } from 'zod';

/** ISO-8601 instant in UTC (`…Z`), the only time format on the wire. */
export const IsoDateTime = z.iso.datetime().meta({ id: 'IsoDateTime' });

export const E164Phone = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/)
  .meta({ id: 'E164Phone' });

export const Tenant = z.string().min(1);

export const EventSource = z.enum(['aloware', 'ghl', 'texting', 'operator']);
export type EventSource = z.infer<typeof EventSource>;

export const EntityType = z.enum(['contact', 'call', 'message', 'note', 'appointment', 'app', 'unknown']);
export type EntityType = z.infer<typeof EntityType>;

export const Direction = z.enum(['inbound', 'outbound']);
export type Direction = z.infer<typeof Direction>;
