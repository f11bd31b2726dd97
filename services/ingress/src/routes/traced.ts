import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context } from 'koa';
import { HttpError } from '../http/errors.ts';

const tracer = trace.getTracer('@df/ingress');

/**
 * Runs a webhook (or operator) route in a server span, the root of the trace its events carry through Kafka
 * (the records' `traceparent`). A sender's own `traceparent` is continued. Recorded: the route, the source, the
 * event types and the status; never the body, the query, headers, phones or the signature.
 */
export function tracedRoute(route: string, source: string, handle: (ctx: Context) => Promise<unknown>) {
  return (ctx: Context) => {
    const parent = propagation.extract(context.active(), { traceparent: ctx.get('traceparent') });
    return tracer.startActiveSpan(
      `POST ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': 'POST', 'http.route': route, 'df.source': source },
      },
      parent,
      async (span) => {
        try {
          await handle(ctx);
          span.setAttribute('http.response.status_code', ctx.status);
        } catch (error) {
          // The status the error boundary answers with (an HttpError's, else 500); the reason stays in the logs.
          const status = error instanceof HttpError ? error.status : 500;
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
}

/** The event (or command) types a delivery produced, on the route's span. */
export function noteEventTypes(types: string[]): void {
  trace.getActiveSpan()?.setAttribute('df.event_types', [...new Set(types)]);
}
