export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
export { loadTracingSettings, type TracingSettings, toTracingSettings, tracingEnv } from './settings.ts';
export { startTracing, type Tracing } from './start.ts';
