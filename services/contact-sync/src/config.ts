import {
  alowareApiEnv,
  type Env,
  type GhlApiSettings,
  ghlApiEnv,
  type InfrastructureEnv,
  infrastructureEnv,
  parseEnv,
  requireGhlCredentials,
  requireSet,
  toGhlApiSettings,
  toInfrastructure,
} from '@df/env';
import { z } from 'zod';
import { contactSyncPolicyEnv, refineContactSyncPolicyEnv, toContactSyncConfig } from './policy-env.ts';
import type { ContactSyncConfig } from './sync-contact.ts';

/** Every variable contact-sync reads on its own (the all-in-one process reads the same through its schema). */
export const ContactSyncEnv = z
  .object({ ...infrastructureEnv, ...ghlApiEnv, ...alowareApiEnv, ...contactSyncPolicyEnv })
  .superRefine((env, ctx) => {
    refineContactSyncPolicyEnv(env, ctx);
    const why = '(contact-sync writes to GHL and Aloware)';
    requireGhlCredentials(env, ctx, why);
    requireSet(env, ctx, ['ALOWARE_API_TOKEN'], why);
  });

export interface ContactSyncSettings {
  infrastructure: InfrastructureEnv;
  /** A PIT, or OAuth tokens from the store the install callback fills (`GHL_AUTH`). */
  ghl: GhlApiSettings;
  aloware: { baseUrl: string; apiToken: string };
  /** The policies (duplicates, deletes, vanished contacts, field owners) and tags. */
  contactSync: ContactSyncConfig;
}

/** Parses contact-sync's environment once; throws a ConfigError naming every refused variable. */
export function loadContactSyncSettings(env: Env): ContactSyncSettings {
  const e = parseEnv(ContactSyncEnv, env);
  return {
    infrastructure: toInfrastructure(e),
    // The refinements refused the environment when one of these was missing.
    ghl: toGhlApiSettings(e),
    aloware: { baseUrl: e.ALOWARE_BASE_URL, apiToken: e.ALOWARE_API_TOKEN! },
    contactSync: toContactSyncConfig(e),
  };
}
