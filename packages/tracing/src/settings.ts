import { bool, type Env, oneOf, parseEnv, text, url } from '@df/env';
import { z } from 'zod';

/**
 * OTLP/HTTP headers as the standard variable writes them: `name=value,name=value`, values URL-encoded. They
 * usually carry an API key, so a refused value is never repeated in the error.
 */
const otlpHeaders = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): Record<string, string> => {
      const headers: Record<string, string> = {};
      for (const pair of (raw ?? '').split(',')) {
        if (pair.trim() === '') continue;
        const at = pair.indexOf('=');
        const name = pair.slice(0, at).trim();
        if (at < 1 || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
          ctx.addIssue({
            code: 'custom',
            message: 'expected name=value pairs, comma-separated (value not shown)',
          });
          return z.NEVER;
        }
        try {
          headers[name] = decodeURIComponent(pair.slice(at + 1).trim());
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: `a value of ${name} is not URL-encoded (value not shown)`,
          });
          return z.NEVER;
        }
      }
      return headers;
    });

export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/** The sampled share of traces for the *traceidratio samplers: 0 to 1, default 1. */
const ratio = () =>
  z
    .string()
    .optional()
    .transform((raw, ctx): number => {
      if (raw === undefined || raw.trim() === '') return 1;
      const value = Number(raw.trim());
      if (/^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(raw) && value >= 0 && value <= 1) return value;
      ctx.addIssue({ code: 'custom', message: `expected a number from 0 to 1, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    });

/** The standard OpenTelemetry variables a process reads (documented in .env.example, README "Traces"). */
export const tracingEnv = {
  // Where the collector listens (OTLP over HTTP); traces go to <endpoint>/v1/traces. Unset: no tracing.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(undefined),
  // The full traces URL, when it is not <endpoint>/v1/traces.
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(undefined),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders(),
  OTEL_SERVICE_NAME: text(),
  OTEL_SDK_DISABLED: bool(false),
  // Which traces are kept: a ratio of them (traceidratio) bounds the cost on a busy ingress; parentbased_*
  // follows the caller's decision when a request or record carries one.
  OTEL_TRACES_SAMPLER: oneOf(SAMPLERS, 'parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: ratio(),
};

const tracingSchema = z.object(tracingEnv);

/** Where spans are exported, or `undefined`: tracing off (the API's no-op, nothing recorded or sent). */
export type TracingSettings =
  | {
      tracesUrl: string;
      headers: Record<string, string>;
      serviceName: string | undefined;
      sampler: { name: (typeof SAMPLERS)[number]; ratio: number };
    }
  | undefined;

export function toTracingSettings(parsed: z.output<typeof tracingSchema>): TracingSettings {
  if (parsed.OTEL_SDK_DISABLED) return undefined;
  const endpoint = parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl =
    parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (endpoint && `${endpoint.replace(/\/+$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  return {
    tracesUrl,
    headers: parsed.OTEL_EXPORTER_OTLP_HEADERS,
    serviceName: parsed.OTEL_SERVICE_NAME,
    sampler: { name: parsed.OTEL_TRACES_SAMPLER, ratio: parsed.OTEL_TRACES_SAMPLER_ARG },
  };
}

/** The tracing settings of `env` alone (a process whose other settings are parsed elsewhere: the all-in-one). */
export const loadTracingSettings = (env: Env): TracingSettings =>
  toTracingSettings(parseEnv(tracingSchema, env));
