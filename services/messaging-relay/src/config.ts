import {
  type Env,
  type GhlApiSettings,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  list,
  parseEnv,
  requireGhlCredentials,
  requireSet,
  textingApiEnv,
  toGhlApiSettings,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';

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
};

/** Every variable messaging-relay reads on its own (the all-in-one process reads the same through its schema). */
export const MessagingRelayEnv = z
  .object({ ...infrastructureEnv, ...ghlApiEnv, ...textingApiEnv, ...messagingRelayEnv })
  .superRefine((env, ctx) => {
    requireGhlCredentials(env, ctx, '(messaging-relay imports texts into GHL conversations)');
    const why = '(messaging-relay imports and sends texts through the provider and the texting system)';
    requireSet(env, ctx, ['GHL_CONVERSATION_PROVIDER_ID', 'TEXTING_BASE_URL', 'TEXTING_API_KEY'], why);
  });

export interface MessagingRelaySettings {
  infrastructure: InfrastructureEnv;
  /** The provider's calls need the marketplace app's OAuth token (`GHL_AUTH=oauth`): a PIT is refused. */
  ghl: GhlApiSettings;
  texting: { baseUrl: string; apiKey: string };
  conversationProviderId: string;
  helpReply: string | null;
  cutOverPendingTenants: string[];
}

export function loadMessagingRelaySettings(env: Env): MessagingRelaySettings {
  const e = parseEnv(MessagingRelayEnv, env);
  return {
    infrastructure: toInfrastructure(e),
    ghl: toGhlApiSettings(e),
    // The refinement refused the environment when one of these was missing.
    texting: { baseUrl: e.TEXTING_BASE_URL!, apiKey: e.TEXTING_API_KEY! },
    conversationProviderId: e.GHL_CONVERSATION_PROVIDER_ID!,
    helpReply: e.MESSAGING_HELP_REPLY,
    cutOverPendingTenants: e.MESSAGING_CUTOVER_PENDING_TENANTS,
  };
}
