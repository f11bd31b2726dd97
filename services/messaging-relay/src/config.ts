import { toE164 } from '@df/contracts';
import {
  alowareApiEnv,
  type Env,
  type GhlApiSettings,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  list,
  parseEnv,
  requireGhlCredentials,
  requireSet,
  text,
  textingApiEnv,
  toGhlApiSettings,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';
import { type MessagingRoute, parseRoutes } from './domain/routes.ts';

/** What messaging-relay reads besides the infrastructure and the tools' credentials. */
export const messagingRelayEnv = {
  /** The id GHL gave the custom conversation provider (the marketplace app's SMS provider). */
  GHL_CONVERSATION_PROVIDER_ID: z.string().min(1).optional(),
  /** Texting accounts / Aloware companies whose tool still writes its texts into GHL itself (cut-over). */
  MESSAGING_CUTOVER_PENDING_TENANTS: list(),
  /** The reply a HELP / INFO text gets; empty sends none. */
  MESSAGING_HELP_REPLY: z
    .string()
    .default('DF: reply STOP to opt out, START to opt back in. Msg&data rates may apply.')
    .transform((v) => (v.trim() === '' ? null : v)),
  /**
   * Routing rules for agents' texts, a JSON array: `[{"via":"aloware","tenant":"<GHL location>"}]`, or with
   * `ghlUserId`, `from` / `lineId` (the Aloware line) and `alowareUserId`. Unmatched texts go through texting.
   */
  MESSAGING_ROUTES: text(''),
  /** The Aloware line (E.164) that answers HELP texted to Aloware, and sends for rules naming no line. */
  MESSAGING_ALOWARE_FROM: text(),
};

/** Refuses routing rules that do not parse, naming each: a bad rule must stop the start. */
export function refineMessagingEnv(
  env: { MESSAGING_ROUTES: string; MESSAGING_ALOWARE_FROM?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const from = env.MESSAGING_ALOWARE_FROM;
  if (from !== undefined && toE164(from) === null) {
    ctx.addIssue({ code: 'custom', path: ['MESSAGING_ALOWARE_FROM'], message: 'must be a phone number' });
  }
  const parsed = parseRoutes(env.MESSAGING_ROUTES, from ?? null);
  if ('errors' in parsed) {
    for (const message of parsed.errors)
      ctx.addIssue({ code: 'custom', path: ['MESSAGING_ROUTES'], message });
  }
}

/** The routing and Aloware settings, once `refineMessagingEnv` accepted them. */
export function toMessagingRouting(env: {
  MESSAGING_ROUTES: string;
  MESSAGING_ALOWARE_FROM?: string | undefined;
}) {
  const alowareFrom = env.MESSAGING_ALOWARE_FROM ? toE164(env.MESSAGING_ALOWARE_FROM) : null;
  const parsed = parseRoutes(env.MESSAGING_ROUTES, alowareFrom);
  const routes: MessagingRoute[] = 'routes' in parsed ? parsed.routes : [];
  return { routes, alowareFrom, usesAloware: routes.length > 0 || alowareFrom !== null };
}

/** Every variable messaging-relay reads on its own (the all-in-one process reads the same through its schema). */
export const MessagingRelayEnv = z
  .object({ ...infrastructureEnv, ...ghlApiEnv, ...textingApiEnv, ...alowareApiEnv, ...messagingRelayEnv })
  .superRefine((env, ctx) => {
    requireGhlCredentials(env, ctx, '(messaging-relay imports texts into GHL conversations)');
    const why = '(messaging-relay imports and sends texts through the provider and the texting system)';
    requireSet(env, ctx, ['GHL_CONVERSATION_PROVIDER_ID', 'TEXTING_BASE_URL', 'TEXTING_API_KEY'], why);
    refineMessagingEnv(env, ctx);
    if (toMessagingRouting(env).usesAloware) {
      requireSet(
        env,
        ctx,
        ['ALOWARE_API_TOKEN'],
        '(MESSAGING_ROUTES / MESSAGING_ALOWARE_FROM send through Aloware)',
      );
    }
  });

export interface MessagingRelaySettings {
  infrastructure: InfrastructureEnv;
  /** The provider's calls need the marketplace app's OAuth token (`GHL_AUTH=oauth`): a PIT is refused. */
  ghl: GhlApiSettings;
  texting: { baseUrl: string; apiKey: string };
  /** Set when a routing rule or the HELP reply on Aloware sends through Aloware. */
  aloware: { baseUrl: string; apiToken: string } | null;
  routes: MessagingRoute[];
  alowareFrom: string | null;
  conversationProviderId: string;
  helpReply: string | null;
  cutOverPendingTenants: string[];
}

export function loadMessagingRelaySettings(env: Env): MessagingRelaySettings {
  const e = parseEnv(MessagingRelayEnv, env);
  const routing = toMessagingRouting(e);
  return {
    aloware: routing.usesAloware ? { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! } : null,
    routes: routing.routes,
    alowareFrom: routing.alowareFrom,
    infrastructure: toInfrastructure(e),
    ghl: toGhlApiSettings(e),
    // The refinement refused the environment when one of these was missing.
    texting: { baseUrl: e.TEXTING_BASE_URL!, apiKey: e.TEXTING_API_KEY! },
    conversationProviderId: e.GHL_CONVERSATION_PROVIDER_ID!,
    helpReply: e.MESSAGING_HELP_REPLY,
    cutOverPendingTenants: e.MESSAGING_CUTOVER_PENDING_TENANTS,
  };
}
