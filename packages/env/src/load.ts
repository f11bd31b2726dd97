import type { z } from 'zod';

/** The environment as a process sees it; tests pass plain objects. */
export type Env = Record<string, string | undefined>;

/** Every setting that was refused, one line each, named by its variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` with a service's schema; all refused settings are reported at once, not the first only. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
  );
}

/**
 * For a service's `main.ts`: a refused configuration ends the process with the problems on stderr, before
 * anything is started. Other errors pass through.
 */
export function loadOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service} refuses to start, ${error.message}\n`);
    process.exit(1);
  }
}
