import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { RecordContext } from './consumer-types.ts';

const tracer = trace.getTracer('@df/kafka');

/**
 * The W3C trace context of the active span as record headers (`traceparent`, and `tracestate` when set):
 * empty when tracing is off or no span is active. Records carry it so a consumer continues the trace.
 */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Adds the active trace context to headers that carry none yet (a record keeps the trace it was made in). */
export function withTraceHeaders(headers: Record<string, string> | undefined) {
  if (headers?.traceparent) return headers;
  const active = traceHeaders();
  return active.traceparent ? { ...headers, ...active } : headers;
}

/**
 * Runs `work` in a consumer span continuing the record's trace (its `traceparent` header), so what the
 * handler calls (tools, publishes) joins the trace that began at the webhook. Only coordinates and the event
 * type are recorded, never the key (a phone, for some topics) or the value.
 */
export function inRecordSpan<T>(
  group: string,
  record: RecordContext,
  type: string,
  work: () => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, record.headers);
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.consumer.group.name': group,
    'messaging.destination.name': record.topic,
    'messaging.destination.partition.id': String(record.partition),
    'messaging.kafka.offset': Number(record.offset),
    'df.event_type': type,
    'df.attempt': record.attempt,
  };
  return tracer.startActiveSpan(
    `process ${type}`,
    { kind: SpanKind.CONSUMER, attributes },
    parent,
    (span: Span) =>
      work().then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          // The error's name and code only: messages may quote a tool's answer.
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
          span.end();
          throw error;
        },
      ),
  );
}

function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'error';
  const { name, code } = error as { name?: unknown; code?: unknown };
  return [name, code].filter((v) => typeof v === 'string').join(' ') || 'error';
}
