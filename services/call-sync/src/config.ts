import {
  type Env,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  parseEnv,
  requireSet,
  timeZone,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';
import { DEFAULT_FLUSH_CONFIG } from './service.ts';

/** Every variable call-sync reads on its own (the all-in-one process reads the same through its schema). */
export const CallSyncEnv = z
  .object({
    ...infrastructureEnv,
    ...ghlApiEnv,
    CALL_NOTE_TIME_ZONE: timeZone(DEFAULT_FLUSH_CONFIG.timeZone),
  })
  .superRefine((env, ctx) =>
    requireSet(env, ctx, ['GHL_LOCATION_ID', 'GHL_API_KEY'], '(call-sync writes notes and tags to GHL)'),
  );

export interface CallSyncSettings {
  infrastructure: InfrastructureEnv;
  ghl: { baseUrl: string; locationId: string; token: string };
  callNoteTimeZone: string;
}

/** Parses call-sync's environment once; throws a ConfigError naming every refused variable. */
export function loadCallSyncSettings(env: Env): CallSyncSettings {
  const e = parseEnv(CallSyncEnv, env);
  return {
    infrastructure: toInfrastructure(e),
    // requireSet refused the environment when one of these was missing.
    ghl: { baseUrl: e.GHL_BASE_URL, locationId: e.GHL_LOCATION_ID!, token: e.GHL_API_KEY! },
    callNoteTimeZone: e.CALL_NOTE_TIME_ZONE,
  };
}
