import type { z } from 'zod';
import { type GhlApiSettings, ghlApiEnv, requireGhlCredentials, toGhlApiSettings } from './ghl.ts';
import { type InfrastructureEnv, infrastructureEnv, toInfrastructure } from './infrastructure.ts';
import { alowareApiEnv, requireSet } from './tools.ts';

/** What a service that calls both GHL and Aloware reads, beside its own variables (list-sync, backfill). */
export const ghlAndAlowareEnv = { ...infrastructureEnv, ...ghlApiEnv, ...alowareApiEnv };

export interface GhlAndAlowareSettings {
  infrastructure: InfrastructureEnv;
  ghl: GhlApiSettings;
  aloware: { baseUrl: string; apiToken: string };
}

/** Refuses an environment without GHL's credentials or Aloware's token, saying `why` the service needs them. */
export function requireGhlAndAloware(
  env: z.output<z.ZodObject<typeof ghlAndAlowareEnv>>,
  ctx: z.RefinementCtx,
  why: string,
): void {
  requireGhlCredentials(env, ctx, why);
  requireSet(env, ctx, ['ALOWARE_API_TOKEN'], why);
}

/** The shared servers', GHL's and Aloware's settings, once `requireGhlAndAloware` accepted the environment. */
export function toGhlAndAlowareSettings(
  e: z.output<z.ZodObject<typeof ghlAndAlowareEnv>>,
): GhlAndAlowareSettings {
  return {
    infrastructure: toInfrastructure(e),
    ghl: toGhlApiSettings(e),
    aloware: { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! },
  };
}
