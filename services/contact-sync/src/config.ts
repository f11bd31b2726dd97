import {
  alowareApiEnv,
  type Env,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  parseEnv,
  requireSet,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';

/** Every variable contact-sync reads on its own (the all-in-one process reads the same through its schema). */
export const ContactSyncEnv = z
  .object({ ...infrastructureEnv, ...ghlApiEnv, ...alowareApiEnv })
  .superRefine((env, ctx) =>
    requireSet(
      env,
      ctx,
      ['GHL_LOCATION_ID', 'GHL_API_KEY', 'ALOWARE_API_TOKEN'],
      '(contact-sync writes to GHL and Aloware)',
    ),
  );

export interface ContactSyncSettings {
  infrastructure: InfrastructureEnv;
  ghl: { baseUrl: string; locationId: string; token: string };
  aloware: { baseUrl: string; apiToken: string };
}

/** Parses contact-sync's environment once; throws a ConfigError naming every refused variable. */
export function loadContactSyncSettings(env: Env): ContactSyncSettings {
  const e = parseEnv(ContactSyncEnv, env);
  return {
    infrastructure: toInfrastructure(e),
    // requireSet refused the environment when one of these was missing.
    ghl: { baseUrl: e.GHL_BASE_URL, locationId: e.GHL_LOCATION_ID!, token: e.GHL_API_KEY! },
    aloware: { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! },
  };
}
