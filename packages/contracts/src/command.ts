import { z } from 'zod';
import { E164Phone, IsoDateTime, Tenant } from './scalars.ts';
import { CONSUMER_GROUPS } from './topics.ts';

const ConsumerGroupName = z.enum(CONSUMER_GROUPS);

const ContactTarget = z.discriminatedUnion('by', [
  z.object({ by: z.literal('phone'), phone: E164Phone }),
  z.object({ by: z.literal('aloware_id'), alowareContactId: z.string().min(1) }),
  z.object({ by: z.literal('ghl_id'), ghlContactId: z.string().min(1) }),
]);

const ListTarget = z.discriminatedUnion('by', [
  z.object({ by: z.literal('tag'), tag: z.string().min(1) }),
  z.object({ by: z.literal('list_name'), listName: z.string().min(1) }),
]);

const ReplayFilter = z.object({
  tenant: Tenant.optional(),
  /** The entity's id in its tool (a contact, a call, a message). */
  entityId: z.string().min(1).optional(),
  types: z.array(z.string().min(1)).min(1).optional(),
});

function defineCommand<const T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    id: z.uuid(),
    type: z.literal(type),
    tenant: Tenant,
    requestedAt: IsoDateTime,
    /** Operator identity (user or CLI), for the audit trail. */
    requestedBy: z.string().min(1),
    correlationId: z.string().min(1),
    data,
  });
}

/** Operator requests on `commands.v1`: the only way to ask for work outside the webhook flow. */
export const Command = z.discriminatedUnion('type', [
  defineCommand('contact.sync_requested', z.object({ target: ContactTarget })),
  defineCommand(
    'list.rebuild_requested',
    z.object({
      target: ListTarget,
      // soft: apply the difference with the projection; hard: clear the list, then add everyone tagged.
      mode: z.enum(['soft', 'hard']).optional(),
    }),
  ),
  defineCommand(
    'replay.requested',
    z.object({
      group: ConsumerGroupName,
      from: IsoDateTime,
      // Guarantee 7: a replay rebuilds projections without calling out unless asked for explicitly.
      mode: z.enum(['projections_only', 'with_side_effects']),
      // with_side_effects only: which records from T are applied again (every one when absent).
      filter: ReplayFilter.optional(),
      // Report what would be rebuilt or re-applied, change nothing.
      dryRun: z.boolean().optional(),
    }),
  ),
  defineCommand(
    'dead_letters.redrive_requested',
    z.object({
      group: ConsumerGroupName,
      // Which letters (every field given must match); every letter not redriven yet when absent.
      filter: z
        .object({
          offsets: z.array(z.string().regex(/^\d+$/)).min(1).optional(),
          reason: z.string().min(1).optional(),
          sourceTopic: z.string().min(1).optional(),
        })
        .optional(),
    }),
  ),
  defineCommand(
    'backfill.requested',
    z.object({
      // GHL is paged through its search; Aloware cannot list contacts (its CSV export is read by the CLI).
      source: z.enum(['ghl']),
      // Start again from the first page instead of resuming the last run's watermark.
      restart: z.boolean().optional(),
    }),
  ),
  defineCommand(
    'reconcile.requested',
    z.object({
      // false: report drift only; true: also ask the owning services to heal it.
      heal: z.boolean(),
      // Compare only the first N GHL contacts (a sample); every contact when absent.
      limit: z.number().int().positive().optional(),
    }),
  ),
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];
