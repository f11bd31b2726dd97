import { toE164 } from '@df/contracts';
import { z } from 'zod';

/**
 * Routing rules for agents' texts: which tool sends a text typed in GHL. The texting system by default; a rule
 * sends through Aloware instead, for a whole tenant (GHL location) or for one GHL user. The first rule that
 * matches wins. GHL's provider webhook names no from-number, so a rule cannot match on one; an Aloware rule says
 * which Aloware line (`from` or `lineId`) and, optionally, which Aloware user (`alowareUserId`) sends.
 */
export const MessagingRoute = z
  .object({
    via: z.literal('aloware'),
    /** The GHL location whose agents' texts this rule routes; absent = every tenant. */
    tenant: z.string().min(1).optional(),
    /** The GHL user (the provider webhook's `userId`) whose texts this rule routes; absent = every user. */
    ghlUserId: z.string().min(1).optional(),
    /** The Aloware line number to send from (E.164); else `lineId`, else `MESSAGING_ALOWARE_FROM`. */
    from: z
      .string()
      .optional()
      .refine((v) => v === undefined || toE164(v) !== null, 'from must be a phone number'),
    lineId: z.number().int().positive().optional(),
    /** Send as this Aloware user; absent = the contact's owner (Aloware's default). */
    alowareUserId: z.number().int().optional(),
  })
  .strict();
export type MessagingRoute = z.infer<typeof MessagingRoute>;

export type SendChannel =
  | { via: 'texting' }
  | { via: 'aloware'; from?: string; lineId?: number; userId?: number };

/** The tool an agent's text goes through. Pure: the rules are configuration, the text's tenant and user facts. */
export function routeFor(
  routes: readonly MessagingRoute[],
  text: { tenant: string; ghlUserId: string | null },
  alowareFrom: string | null,
): SendChannel {
  const rule = routes.find(
    (r) =>
      (r.tenant === undefined || r.tenant === text.tenant) &&
      (r.ghlUserId === undefined || r.ghlUserId === text.ghlUserId),
  );
  if (!rule) return { via: 'texting' };
  const from = rule.from
    ? (toE164(rule.from) ?? undefined)
    : rule.lineId
      ? undefined
      : (alowareFrom ?? undefined);
  return {
    via: 'aloware',
    ...(from !== undefined && { from }),
    ...(rule.lineId !== undefined && { lineId: rule.lineId }),
    ...(rule.alowareUserId !== undefined && { userId: rule.alowareUserId }),
  };
}

/**
 * Parses `MESSAGING_ROUTES` (a JSON array of rules). Returns the rules or the reasons they are refused: a rule
 * that does not parse must stop the start, not send a tenant's texts through the wrong tool.
 */
export function parseRoutes(
  text: string,
  alowareFrom: string | null,
): { routes: MessagingRoute[] } | { errors: string[] } {
  if (text.trim() === '') return { routes: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { errors: ['MESSAGING_ROUTES must be a JSON array of rules'] };
  }
  const parsed = z.array(MessagingRoute).safeParse(json);
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => `rule ${i.path.join('.')}: ${i.message}`) };
  }
  const lineless = parsed.data.findIndex((r) => !r.from && r.lineId === undefined);
  if (lineless >= 0 && !alowareFrom) {
    return { errors: [`rule ${lineless}: an Aloware rule needs from or lineId, or MESSAGING_ALOWARE_FROM`] };
  }
  return { routes: parsed.data };
}
