import { ConfigError, parseEnv } from '@df/env';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTracing, toTracingSettings, tracingEnv } from '../src/index.ts';

const load = (env: Record<string, string>) => toTracingSettings(parseEnv(z.object(tracingEnv), env));
const problems = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('accepted');
};

describe('tracing settings (the standard OTEL_* variables)', () => {
  it('is off when no endpoint is set, or when OTEL_SDK_DISABLED is true', () => {
    expect(load({})).toBeUndefined();
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    expect(
      load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
  });

  it('exports to <endpoint>/v1/traces, or to the traces endpoint given, with the headers given', () => {
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      headers: {},
      serviceName: undefined,
    });
    expect(
      load({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s%3Dcret, x-team = ops',
        OTEL_SERVICE_NAME: 'df-contact-sync',
      }),
    ).toEqual({
      tracesUrl: 'https://traces.example.com/otlp',
      headers: { 'x-api-key': 's=cret', 'x-team': 'ops' },
      serviceName: 'df-contact-sync',
    });
  });

  it('refuses a bad endpoint by name, and bad headers without repeating their value', () => {
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: expected a http:\/\/ or https:\/\/ URL/,
    );
    const refused = problems({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Bearer topsecret',
    });
    expect(refused).toMatch(/^OTEL_EXPORTER_OTLP_HEADERS: expected name=value pairs/);
    expect(refused).not.toContain('topsecret');
    expect(problems({ OTEL_EXPORTER_OTLP_HEADERS: 'k=%E0%A4%A' })).not.toContain('%E0');
    expect(problems({ OTEL_SDK_DISABLED: 'yes' })).toMatch(/^OTEL_SDK_DISABLED: expected true or false/);
  });

  it('off, nothing is installed: spans are the API no-op and record nothing', async () => {
    const tracing = startTracing('unit', undefined);
    expect(tracing.enabled).toBe(false);
    const span = trace.getTracer('unit').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
  });
});
