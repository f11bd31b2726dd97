import { ConfigError, parseEnv } from '@df/env';
import { context, TraceFlags, trace } from '@opentelemetry/api';
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
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
    expect(
      load({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s%3Dcret, x-team = ops',
        OTEL_SERVICE_NAME: 'df-contact-sync',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toEqual({
      tracesUrl: 'https://traces.example.com/otlp',
      headers: { 'x-api-key': 's=cret', 'x-team': 'ops' },
      serviceName: 'df-contact-sync',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
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
    expect(problems({ OTEL_TRACES_SAMPLER: 'ratio' })).toMatch(/^OTEL_TRACES_SAMPLER: /);
    for (const bad of ['10%', '1.5', '-0.1', 'half'])
      expect(problems({ OTEL_TRACES_SAMPLER_ARG: bad })).toMatch(
        /^OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1/,
      );
  });

  it('a sampler ratio of 0 keeps no trace, and a parent-based one follows the parent', async () => {
    const settings = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    const tracing = startTracing('unit', settings);
    try {
      const tracer = trace.getTracer('unit');
      const root = tracer.startSpan('root');
      expect(root.isRecording()).toBe(false);
      const sampledParent = trace.setSpanContext(context.active(), {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
      });
      const child = tracer.startSpan('child', {}, sampledParent);
      expect(child.isRecording()).toBe(true);
      root.end();
    } finally {
      await tracing.shutdown();
    }
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
