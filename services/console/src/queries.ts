import { CONSUMER_GROUPS, toE164 } from '@df/contracts';
import { z } from 'zod';
import { Page } from './http.ts';
import { OFFERED_COMMANDS } from './sources/commands.ts';

/** Query and body schemas shared by the JSON API and the pages: one validation, one error wording. */
const Phone = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const phone = toE164(raw);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'not a phone number' });
      return z.NEVER;
    }
    return phone;
  });
const Id = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w:.@+-]+$/, 'letters, digits and : . @ + - _ only');
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const Group = z.enum(CONSUMER_GROUPS);

export const LedgerParams = Page.extend({
  phone: optional(Phone),
  contactId: optional(Id),
  correlationId: optional(Id),
  status: optional(z.enum(['pending', 'processing', 'done', 'error'])),
});

export const PersonParams = Page.extend({
  phone: optional(Phone),
  contactId: optional(Id),
}).refine((p) => p.phone || p.contactId, { message: 'give phone or contactId', path: ['phone'] });

export const GroupPage = Page.extend({ group: Group });

/** Which dead letters to redrive: one offset, a reason, a source topic, or all of them (nothing given). */
export const RedriveFilter = z.object({
  offsets: optional(z.array(z.string().regex(/^\d+$/, 'an offset')).min(1).max(1000)),
  reason: optional(z.string().min(1).max(200)),
  sourceTopic: optional(z.string().min(1).max(249)),
});

export const CommandRequest = z.object({
  type: z.enum(OFFERED_COMMANDS),
  data: z.record(z.string(), z.unknown()),
});
