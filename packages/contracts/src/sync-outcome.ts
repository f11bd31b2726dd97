import { z } from 'zod';
import { EntityType, IsoDateTime, Tenant } from './scalars.ts';

/** One record per external write or deliberate decision not to write (guarantee 8), on `sync.outcomes.v1`. */
export const SyncOutcome = z.object({
  id: z.uuid(),
  /** The consumer group that decided, e.g. `contact-sync`. */
  service: z.string().min(1),
  correlationId: z.string().min(1),
  /** The event or command this outcome answers. */
  eventId: z.uuid(),
  tenant: Tenant,
  entity: z.object({ type: EntityType, id: z.string().min(1).nullable() }),
  direction: z.enum([
    'aloware_to_ghl',
    'ghl_to_aloware',
    'to_texting',
    'texting_to_ghl',
    'aloware_to_texting',
    'to_ghl',
    'to_aloware',
    'internal',
  ]),
  action: z.enum(['created', 'updated', 'deleted', 'sent', 'skipped', 'failed', 'conflict_resolved']),
  /** Why, for skips and failures: `echo`, `stale`, `opted_out`, an API error, … */
  reason: z.string().nullable(),
  target: z.object({
    system: z.enum(['aloware', 'ghl', 'texting', 'middleware']),
    id: z.string().nullable(),
  }),
  at: IsoDateTime,
});
export type SyncOutcome = z.infer<typeof SyncOutcome>;
