import type { z } from 'zod';
import { ToolError, type ToolErrorDetails } from './errors.ts';
import { codeForStatus, retryAfterMs } from './status.ts';
import { inCallSpan } from './tracing.ts';

/** Who is calling what: goes into every error. */
export type CallContext = Pick<ToolErrorDetails, 'tool' | 'operation' | 'locationId'>;

export interface ToolRequest extends CallContext {
  url: URL | string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  /** Earlier sends of the same call (its retries), for the call's trace span. */
  resendCount?: number;
}

/** A response read to the end. `json` is the parsed body when it is JSON, otherwise undefined. */
export interface ToolAnswer {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  json: unknown;
}

/**
 * One HTTP exchange with a timeout, in a trace span of its own. Throws `network` / `timeout`; any status is
 * an answer, not an error.
 */
export function sendRequest(request: ToolRequest): Promise<ToolAnswer> {
  const { tool, operation, method, url, resendCount } = request;
  return inCallSpan({ tool, operation, method, url, resendCount }, () => exchange(request));
}

async function exchange(request: ToolRequest): Promise<ToolAnswer> {
  const ctx: CallContext = {
    tool: request.tool,
    operation: request.operation,
    locationId: request.locationId,
  };
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    // The cause is dropped on purpose: undici's errors can carry the request URL (Aloware's token is in it).
    throw new ToolError(timedOut ? 'timeout' : 'network', ctx);
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ToolError('network', { ...ctx, status: response.status });
  }
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    contentType,
    text,
    json: readJson(text, contentType),
  };
}

function readJson(text: string, contentType: string): unknown {
  // Any content type but JSON is not parsed: Aloware answers unknown paths with its SPA's HTML and 200.
  if (!text || (contentType !== '' && !contentType.includes('json'))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isSuccess = (answer: ToolAnswer) => answer.status >= 200 && answer.status < 300;

/** The error a non-2xx answer stands for; the tool-specific reading of its body is passed in. */
export function errorForAnswer(
  answer: ToolAnswer,
  ctx: CallContext,
  body: { serverMessages?: string[]; meta?: Record<string, unknown> } = {},
): ToolError {
  const serverMessages = body.serverMessages ?? [];
  return new ToolError(codeForStatus(answer.status, serverMessages), {
    ...ctx,
    status: answer.status,
    serverMessages,
    ...(body.meta && { meta: body.meta }),
    retryAfterMs: retryAfterMs(answer.headers.get('retry-after')),
  });
}

/** The answer's body checked against `schema`; anything else is `invalid_response` (not retriable). */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  answer: ToolAnswer,
  ctx: CallContext,
  options: { emptyBody?: unknown } = {},
): z.infer<S> {
  const json = answer.json === undefined && answer.text === '' ? options.emptyBody : answer.json;
  if (json === undefined) {
    throw new ToolError('invalid_response', {
      ...ctx,
      status: answer.status,
      serverMessages: [`expected JSON, got ${answer.contentType.split(';')[0] || 'no content type'}`],
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new ToolError('invalid_response', {
      ...ctx,
      status: answer.status,
      serverMessages: result.error.issues.map(
        (i) => `unexpected shape at ${i.path.join('.') || '(root)'}: ${i.message}`,
      ),
    });
  }
  return result.data as z.infer<S>;
}
