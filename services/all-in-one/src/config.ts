import { type BackfillConfig, backfillEnv, toBackfillConfig } from '@df/backfill';
import { DEFAULT_FLUSH_CONFIG } from '@df/call-sync';
import {
  type ContactSyncConfig,
  contactSyncPolicyEnv,
  refineContactSyncPolicyEnv,
  toContactSyncConfig,
} from '@df/contact-sync';
import {
  alowareApiEnv,
  type Env,
  ghlApiEnv,
  ghlCredentialNames,
  type InfrastructureEnv,
  parseEnv,
  port,
  requireSet,
  textingApiEnv,
  timeZone,
  toGhlApiSettings,
  toInfrastructure,
} from '@df/env';
import { type IngressConfig, ingressEnvShape, refineIngressEnv, toIngressConfig } from '@df/ingress';
import { type ListSyncConfig, listSyncRulesEnv, refineListSyncEnv, toListSyncConfig } from '@df/list-sync';
import {
  type MessagingRoute,
  messagingRelayEnv,
  refineMessagingEnv,
  toMessagingRouting,
} from '@df/messaging-relay';
import { loadOpsSettings, loadSettings, type OpsSettings, opsEnv, partitionsEnv } from '@df/service-runtime';
import { z } from 'zod';
import type { SimulatedGhlAuth, ToolEndpoints } from './tools.ts';

/** What the real tools need: GHL's credentials for `GHL_AUTH`'s mode, and Aloware's token. */
const realToolCredentials = (mode: 'pit' | 'oauth') => [...ghlCredentialNames(mode), 'ALOWARE_API_TOKEN'];
// Set alone, the encryption key means nothing about which tools to use (the simulated OAuth app uses it too).
const notToolChoice = new Set(['GHL_TOKEN_ENCRYPTION_KEY']);

/** Every variable the single process reads: the ingress's, the tools', call-sync's. */
export const SystemEnv = z
  .object({
    ...ingressEnvShape,
    ...ghlApiEnv,
    ...alowareApiEnv,
    ...textingApiEnv,
    ...contactSyncPolicyEnv,
    ...listSyncRulesEnv,
    ...backfillEnv,
    ...messagingRelayEnv,
    CALL_NOTE_TIME_ZONE: timeZone(DEFAULT_FLUSH_CONFIG.timeZone),
    DF_MODE: opsEnv.DF_MODE,
    // The operator console (services/console), served by this process next to the operator API.
    CONSOLE_PORT: port(4040),
    ...partitionsEnv,
  })
  .superRefine((env, ctx) => {
    refineIngressEnv(env, ctx);
    refineContactSyncPolicyEnv(env, ctx);
    refineListSyncEnv(env, ctx);
    refineMessagingEnv(env, ctx);
    // Some credentials but not all would silently run against the simulators while meaning production.
    const names = realToolCredentials(env.GHL_AUTH);
    const record = env as Record<string, unknown>;
    if (env.DF_MODE === 'production') {
      // Production never falls back to the simulators, and its operator token must survive a restart.
      requireSet(env, ctx, [...names, 'OPERATOR_TOKEN'], 'in production mode (DF_MODE=production)');
    } else if (names.some((name) => !notToolChoice.has(name) && record[name] !== undefined)) {
      const why = `(the real tools need all of ${names.join(', ')}; set none to use the simulators)`;
      requireSet(env, ctx, names, why);
    }
  });

export interface SystemConfig {
  /** production: real tools, configured servers and tokens only; local: the stack and simulators may start. */
  mode: 'local' | 'production';
  infrastructure: InfrastructureEnv;
  /** Kafka TLS/SASL and registry credentials. */
  credentials: OpsSettings['credentials'];
  /** Partitions of each event topic when created (`TOPIC_PARTITIONS`). */
  partitions: number;
  ingress: IngressConfig;
  /** Where the operator console listens (`CONSOLE_PORT`). */
  consolePort: number;
  /** The real tools, or null: the simulators stand in. */
  tools: ToolEndpoints | null;
  /**
   * With the simulators, how their GHL is called: its PIT, or (`GHL_AUTH=oauth`) its OAuth app, with tokens the
   * install callback stores encrypted under this key (`GHL_TOKEN_ENCRYPTION_KEY`, else one generated per start).
   */
  simulatedGhlAuth: SimulatedGhlAuth;
  callNoteTimeZone: string;
  contactSync: ContactSyncConfig;
  /** list-sync's rules (`LIST_SYNC_RULES`). */
  listSync: ListSyncConfig;
  /** Backfill and reconciliation (`BACKFILL_*`, `RECONCILE_*`). */
  backfill: BackfillConfig;
  /** messaging-relay: the GHL provider id (the simulator's when it stands in), the HELP reply, the cut-over. */
  messaging: {
    conversationProviderId: string | null;
    helpReply: string | null;
    cutOverPendingTenants: string[];
    /** `MESSAGING_ROUTES`: agents' texts these match go through Aloware. */
    routes: MessagingRoute[];
    /** `MESSAGING_ALOWARE_FROM`: the Aloware line for HELP replies and rules naming none. */
    alowareFrom: string | null;
  };
}

/** Parses the process's environment once; throws a ConfigError naming every refused variable. */
export function loadSystemConfig(env: Env): SystemConfig {
  const { e, ops } = loadSettings({
    e: () => parseEnv(SystemEnv, env),
    // Its /metrics is the ingress's, behind OPERATOR_TOKEN (required above in production).
    ops: () => loadOpsSettings(env, 0, { requireMetricsToken: false }),
  });
  // The refinement refused a partial set: any one name of the mode's means all of them are here.
  const real = e.GHL_LOCATION_ID !== undefined && e.ALOWARE_API_TOKEN !== undefined;
  return {
    mode: ops.mode,
    infrastructure: toInfrastructure(e),
    backfill: toBackfillConfig(e),
    credentials: ops.credentials,
    partitions: e.TOPIC_PARTITIONS,
    ingress: toIngressConfig(e),
    consolePort: e.CONSOLE_PORT,
    tools: real
      ? {
          ghl: toGhlApiSettings(e),
          aloware: { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! },
          texting: { baseUrl: e.TEXTING_BASE_URL ?? '', apiKey: e.TEXTING_API_KEY ?? '' },
        }
      : null,
    simulatedGhlAuth:
      e.GHL_AUTH === 'oauth'
        ? { type: 'oauth', ...(e.GHL_TOKEN_ENCRYPTION_KEY && { encryptionKey: e.GHL_TOKEN_ENCRYPTION_KEY }) }
        : { type: 'pit' },
    callNoteTimeZone: e.CALL_NOTE_TIME_ZONE,
    contactSync: toContactSyncConfig(e),
    listSync: toListSyncConfig(e),
    messaging: {
      conversationProviderId: e.GHL_CONVERSATION_PROVIDER_ID ?? null,
      helpReply: e.MESSAGING_HELP_REPLY,
      cutOverPendingTenants: e.MESSAGING_CUTOVER_PENDING_TENANTS,
      routes: toMessagingRouting(e).routes,
      alowareFrom: toMessagingRouting(e).alowareFrom,
    },
  };
}
