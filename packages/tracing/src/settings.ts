import { bool, type Env, parseEnv, text, url } from '@df/env';
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

/** The standard OpenTelemetry variables a process reads (documented in .env.example, README "Traces"). */
export const tracingEnv = {
  // Where the collector listens (OTLP over HTTP); traces go to <endpoint>/v1/traces. Unset: no tracing.
  OTEL_EXPORTER_OTLP_ENDPOINT: url(undefined),
  // The full traces URL, when it is not <endpoint>/v1/traces.
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(undefined),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders(),
  OTEL_SERVICE_NAME: text(),
  OTEL_SDK_DISABLED: bool(false),
};

const tracingSchema = z.object(tracingEnv);

/** Where spans are exported, or `undefined`: tracing off (the API's no-op, nothing recorded or sent). */
export type TracingSettings =
  | { tracesUrl: string; headers: Record<string, string>; serviceName: string | undefined }
  | undefined;

export function toTracingSettings(parsed: z.output<typeof tracingSchema>): TracingSettings {
  if (parsed.OTEL_SDK_DISABLED) return undefined;
  const endpoint = parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl =
    parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (endpoint && `${endpoint.replace(/\/+$/, '')}/v1/traces`);
  if (!tracesUrl) return undefined;
  return { tracesUrl, headers: parsed.OTEL_EXPORTER_OTLP_HEADERS, serviceName: parsed.OTEL_SERVICE_NAME };
}

/** The tracing settings of `env` alone (a process whose other settings are parsed elsewhere: the all-in-one). */
export const loadTracingSettings = (env: Env): TracingSettings =>
  toTracingSettings(parseEnv(tracingSchema, env));
