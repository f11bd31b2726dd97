import { bool, ConfigError, type Env, oneOf, parseEnv, port, text } from '@df/env';
import { type TracingSettings, toTracingSettings, tracingEnv } from '@df/tracing';
import { z } from 'zod';

/**
 * How a process runs and is reached, the same for every service: the mode, the port of its health and metrics
 * endpoints, the token of /metrics, and the Kafka and registry credentials of a managed cluster.
 */
export const opsEnv = {
  // production: every address and credential must be given (no localhost default, no simulator, no local Kafka).
  DF_MODE: oneOf(['local', 'production'], 'local'),
  OPS_HOST: text('127.0.0.1'),
  // Bearer of /metrics (Prometheus); when unset, OPERATOR_TOKEN's.
  METRICS_TOKEN: text(),
  OPERATOR_TOKEN: text(),
  KAFKA_SSL: bool(false),
  KAFKA_SASL_MECHANISM: oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512'], 'none'),
  KAFKA_SASL_USERNAME: text(),
  KAFKA_SASL_PASSWORD: text(),
  SCHEMA_REGISTRY_USERNAME: text(),
  SCHEMA_REGISTRY_PASSWORD: text(),
};

/** What a deployment must set explicitly in production: the localhost defaults mean a developer's machine. */
export const PRODUCTION_ADDRESSES = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'DATABASE_URL'] as const;

export type KafkaSasl = {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
};

/** Kafka's transport security (TLS and SASL), and the registry's basic auth. */
export interface ClusterCredentials {
  kafka: { ssl: boolean; sasl?: KafkaSasl };
  registry?: { username: string; password: string };
}

export interface OpsSettings {
  mode: 'local' | 'production';
  /** Where /healthz, /readyz and /metrics are served. */
  host: string;
  port: number;
  /** Null only in local mode: the caller then generates one and prints it. */
  metricsToken: string | null;
  credentials: ClusterCredentials;
  /** Where traces are exported (OTEL_EXPORTER_OTLP_*); undefined: tracing off. */
  tracing: TracingSettings;
}

const requiredIn = (mode: string, why: string) => `required in ${mode} mode (${why})`;

/** Checks the cross-field rules of `opsEnv` (and the production addresses); one issue per missing name. */
function refineOps(e: Record<string, unknown>, env: Env, ctx: z.RefinementCtx, metricsToken: boolean) {
  const missing = (name: string, why: string) =>
    ctx.addIssue({ code: 'custom', path: [name], message: requiredIn(String(e.DF_MODE), why) });
  if (e.KAFKA_SASL_MECHANISM !== 'none') {
    for (const name of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'])
      if (e[name] === undefined)
        ctx.addIssue({ code: 'custom', path: [name], message: 'required with KAFKA_SASL_MECHANISM' });
  }
  if ((e.SCHEMA_REGISTRY_USERNAME === undefined) !== (e.SCHEMA_REGISTRY_PASSWORD === undefined)) {
    const name =
      e.SCHEMA_REGISTRY_USERNAME === undefined ? 'SCHEMA_REGISTRY_USERNAME' : 'SCHEMA_REGISTRY_PASSWORD';
    ctx.addIssue({ code: 'custom', path: [name], message: 'the registry credentials go in pairs' });
  }
  if (e.DF_MODE !== 'production') return;
  for (const name of PRODUCTION_ADDRESSES)
    if (!env[name]?.trim()) missing(name, 'the default points at this machine');
  if (metricsToken && e.METRICS_TOKEN === undefined && e.OPERATOR_TOKEN === undefined)
    missing('METRICS_TOKEN', 'or OPERATOR_TOKEN: the bearer of /metrics must not change at every start');
}

/**
 * Parses the operational settings of a service whose health and metrics port defaults to `defaultPort`
 * (`OPS_PORT` overrides it). Throws a ConfigError naming every refused or missing variable.
 * `requireMetricsToken: false` for a process whose /metrics another setting guards (the all-in-one's ingress).
 */
export function loadOpsSettings(
  env: Env,
  defaultPort: number,
  options: { requireMetricsToken?: boolean } = {},
): OpsSettings {
  const schema = z
    .object({ ...opsEnv, ...tracingEnv, OPS_PORT: port(defaultPort) })
    .superRefine((e, ctx) => refineOps(e, env, ctx, options.requireMetricsToken ?? true));
  const e = parseEnv(schema, env);
  const sasl =
    e.KAFKA_SASL_MECHANISM === 'none'
      ? undefined
      : {
          mechanism: e.KAFKA_SASL_MECHANISM,
          username: e.KAFKA_SASL_USERNAME!,
          password: e.KAFKA_SASL_PASSWORD!,
        };
  return {
    mode: e.DF_MODE,
    host: e.OPS_HOST,
    port: e.OPS_PORT,
    metricsToken: e.METRICS_TOKEN ?? e.OPERATOR_TOKEN ?? null,
    credentials: {
      kafka: { ssl: e.KAFKA_SSL, ...(sasl && { sasl }) },
      ...(e.SCHEMA_REGISTRY_USERNAME && {
        registry: { username: e.SCHEMA_REGISTRY_USERNAME, password: e.SCHEMA_REGISTRY_PASSWORD! },
      }),
    },
    tracing: toTracingSettings(e),
  };
}

/**
 * Runs every loader and reports the problems of all of them at once (a service's own settings and the
 * operational ones), so a refused start names everything to fix in one go.
 */
export function loadSettings<T extends Record<string, () => unknown>>(
  loaders: T,
): { [K in keyof T]: ReturnType<T[K]> } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, load] of Object.entries(loaders)) {
    try {
      out[name] = load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}
