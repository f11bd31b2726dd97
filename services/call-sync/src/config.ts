import {
  type Env,
  type GhlApiSettings,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  parseEnv,
  requireGhlCredentials,
  timeZone,
  toGhlApiSettings,
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
  .superRefine((env, ctx) => requireGhlCredentials(env, ctx, '(call-sync writes notes and tags to GHL)'));

export interface CallSyncSettings {
  infrastructure: InfrastructureEnv;
  /** A PIT, or OAuth tokens from the store the install callback fills (`GHL_AUTH`). */
  ghl: GhlApiSettings;
  callNoteTimeZone: string;
}

/** Parses call-sync's environment once; throws a ConfigError naming every refused variable. */
export function loadCallSyncSettings(env: Env): CallSyncSettings {
  const e = parseEnv(CallSyncEnv, env);
  return {
    infrastructure: toInfrastructure(e),
    // The refinement refused the environment when one of these was missing.
    ghl: toGhlApiSettings(e),
    callNoteTimeZone: e.CALL_NOTE_TIME_ZONE,
  };
}
