import { maskText } from '@df/telemetry';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('@df/tool-http');

export interface CallSpanInfo {
  tool: string;
  operation: string;
  method: string;
  url: URL | string;
  /** Earlier sends of this same call (a retry after 429, 5xx or a refreshed token): 0 on the first. */
  resendCount?: number;
}

/**
 * Where a span says the call went: origin and path only. The query is dropped (Aloware's api_token travels in
 * it, searches carry phones and e-mails) and the path is masked (a path segment may hold a phone or e-mail).
 */
export function spanUrl(url: URL | string): string {
  // fetch refuses such a URL anyway; the span must not be what throws.
  if (typeof url === 'string' && !URL.canParse(url)) return 'invalid-url';
  const parsed = new URL(url);
  return `${parsed.origin}${maskText(parsed.pathname)}`;
}

/**
 * Runs one HTTP exchange with a tool in a client span, a child of the active span (the consumer's record span):
 * tool, operation, method, the URL without its query, the answer's status and the resend count. Never headers
 * or bodies (tokens, personal data).
 */
export async function inCallSpan<T extends { status: number }>(
  info: CallSpanInfo,
  send: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    `${info.tool} ${info.operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'df.tool': info.tool,
        'df.operation': info.operation,
        'http.request.method': info.method,
        'url.full': spanUrl(info.url),
        ...(info.resendCount ? { 'http.request.resend_count': info.resendCount } : {}),
      },
    },
    async (span: Span) => {
      try {
        const answer = await send();
        span.setAttribute('http.response.status_code', answer.status);
        // A 4xx/5xx is an answer the caller decides about, but the span shows the exchange did not succeed.
        if (answer.status >= 400)
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(answer.status) });
        return answer;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
