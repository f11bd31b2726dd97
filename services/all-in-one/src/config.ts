import { DEFAULT_FLUSH_CONFIG } from '@df/call-sync';
import {
  alowareApiEnv,
  type Env,
  ghlApiEnv,
  type InfrastructureEnv,
  parseEnv,
  requireSet,
  textingApiEnv,
  timeZone,
  toInfrastructure,
} from '@df/env';
import { type IngressConfig, ingressEnvShape, refineIngressEnv, toIngressConfig } from '@df/ingress';
import { z } from 'zod';
import type { ToolEndpoints } from './tools.ts';

const REAL_TOOL_CREDENTIALS = ['GHL_API_KEY', 'GHL_LOCATION_ID', 'ALOWARE_API_TOKEN'] as const;

/** Every variable the single process reads: the ingress's, the tools', call-sync's. */
export const SystemEnv = z
  .object({
    ...ingressEnvShape,
    ...ghlApiEnv,
    ...alowareApiEnv,
    ...textingApiEnv,
    CALL_NOTE_TIME_ZONE: timeZone(DEFAULT_FLUSH_CONFIG.timeZone),
  })
  .superRefine((env, ctx) => {
    refineIngressEnv(env, ctx);
    // Some credentials but not all would silently run against the simulators while meaning production.
    if (REAL_TOOL_CREDENTIALS.some((name) => env[name] !== undefined)) {
      const why = `(the real tools need all of ${REAL_TOOL_CREDENTIALS.join(', ')}; set none to use the simulators)`;
      requireSet(env, ctx, REAL_TOOL_CREDENTIALS, why);
    }
  });

export interface SystemConfig {
  infrastructure: InfrastructureEnv;
  ingress: IngressConfig;
  /** The real tools, or null: the simulators stand in. */
  tools: ToolEndpoints | null;
  callNoteTimeZone: string;
}

/** Parses the process's environment once; throws a ConfigError naming every refused variable. */
export function loadSystemConfig(env: Env): SystemConfig {
  const e = parseEnv(SystemEnv, env);
  const real = e.GHL_API_KEY && e.GHL_LOCATION_ID && e.ALOWARE_API_TOKEN;
  return {
    infrastructure: toInfrastructure(e),
    ingress: toIngressConfig(e),
    tools: real
      ? {
          ghl: { baseUrl: e.GHL_BASE_URL, locationId: e.GHL_LOCATION_ID!, token: e.GHL_API_KEY! },
          aloware: { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! },
          texting: { baseUrl: e.TEXTING_BASE_URL ?? '', apiKey: e.TEXTING_API_KEY ?? '' },
        }
      : null,
    callNoteTimeZone: e.CALL_NOTE_TIME_ZONE,
  };
}
