import { type Env, type InfrastructureEnv, infrastructureEnv, parseEnv, toInfrastructure } from '@df/env';
import { z } from 'zod';

/** audit needs only the shared servers: it reads the log and writes its projections. */
export const AuditEnv = z.object(infrastructureEnv);

/** Parses audit's environment once; throws a ConfigError naming every refused variable. */
export function loadAuditSettings(env: Env): { infrastructure: InfrastructureEnv } {
  return { infrastructure: toInfrastructure(parseEnv(AuditEnv, env)) };
}
