import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from './settings.ts';

/** The standard sampler names (OTEL_TRACES_SAMPLER) as samplers; a parent's decision wins in parentbased_*. */
function samplerFor({ name, ratio }: NonNullable<TracingSettings>['sampler']): Sampler {
  const root = name.endsWith('always_on')
    ? new AlwaysOnSampler()
    : name.endsWith('always_off')
      ? new AlwaysOffSampler()
      : new TraceIdRatioBasedSampler(ratio);
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

export interface Tracing {
  /** False when nothing is configured: the API stays the no-op and spans cost next to nothing. */
  enabled: boolean;
  /** Sends what is still buffered and turns tracing off again (graceful stop; tests). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Installs the OpenTelemetry SDK for this process: spans are exported over OTLP/HTTP in batches (or to
 * `exporter` as they end, for tests), the W3C `traceparent` is the propagation format, and the active span
 * follows async calls (AsyncLocalStorage). Manual instrumentation only: no loader hooks, so the esbuild
 * bundles behave as the sources do.
 *
 * Invariant: one provider per process. A second start while one runs is refused instead of silently
 * exporting to the first one's destination.
 */
export function startTracing(
  service: string,
  settings: TracingSettings,
  options: { exporter?: SpanExporter } = {},
): Tracing {
  if (!settings && !options.exporter) return OFF;
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: settings!.tracesUrl, headers: settings!.headers }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings?.serviceName ?? service }),
    ...(settings && { sampler: samplerFor(settings.sampler) }),
    spanProcessors: [processor],
  });
  if (!trace.setGlobalTracerProvider(provider)) {
    throw new Error('tracing is already started in this process');
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
