/**
 * Client of the texting system's send API (shared/docs/texting-api.md §2). Every send carries an
 * `Idempotency-Key` (the middleware event id), so a retried send never texts twice. The API key travels only in
 * the `Authorization` header and never appears in an error.
 */
import { z } from 'zod';
import { TextingError, textingCodeForStatus } from './errors.ts';

export const TEXTING_SEND_MESSAGE_PATH = '/api/integrations/df-middleware/send-message';

export interface TextingClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout (default 15 000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SendTextInput {
  to: string;
  body: string;
  from?: string;
  /** The texting system's chat id, when known. */
  conversationId?: string;
  /** The middleware's id for tracing. */
  correlationId?: string;
  /** Required: the same key returns the first answer and sends nothing twice. */
  idempotencyKey: string;
}

export const sendAcceptedSchema = z.looseObject({
  success: z.literal(true),
  messageId: z.string().min(1),
  chatId: z.string().min(1),
  status: z.string(),
});

export interface SendTextResult {
  /** The chat message id; comes back as `raw.chatMessageId` on the `message.sent` webhook. */
  messageId: string;
  chatId: string;
  /** `pending`: accepted, not delivered. */
  status: string;
}

export interface TextingClient {
  sendMessage(input: SendTextInput): Promise<SendTextResult>;
}

const errorBodySchema = z.looseObject({ error: z.string().optional(), message: z.string().optional() });

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function createTextingClient(options: TextingClientOptions): TextingClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${TEXTING_SEND_MESSAGE_PATH}`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;

  return {
    async sendMessage(input) {
      const operation = 'sendMessage';
      if (!input.idempotencyKey)
        throw new TextingError({
          code: 'bad_request',
          operation,
          serverMessage: 'idempotencyKey is required',
        });
      const payload: Record<string, string> = { to: input.to, body: input.body };
      if (input.from !== undefined) payload.from = input.from;
      if (input.conversationId !== undefined) payload.conversationId = input.conversationId;
      if (input.correlationId !== undefined) payload.correlationId = input.correlationId;

      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${options.apiKey}`,
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'Idempotency-Key': input.idempotencyKey,
          },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut =
          error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        throw new TextingError({ code: timedOut ? 'timeout' : 'network', operation });
      }

      let text: string;
      try {
        text = await response.text();
      } catch {
        throw new TextingError({ code: 'network', operation, status: response.status });
      }
      let json: unknown;
      const isJson = (response.headers.get('content-type') ?? '').includes('json');
      if (isJson) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }

      if (response.status >= 200 && response.status < 300) {
        const parsed = sendAcceptedSchema.safeParse(json);
        if (!parsed.success) {
          throw new TextingError({
            code: 'invalid_response',
            operation,
            status: response.status,
            serverMessage: json === undefined ? 'expected a JSON body' : 'unexpected response shape',
          });
        }
        return { messageId: parsed.data.messageId, chatId: parsed.data.chatId, status: parsed.data.status };
      }
      const body = errorBodySchema.safeParse(json);
      throw new TextingError({
        code: textingCodeForStatus(response.status),
        operation,
        status: response.status,
        serverMessage: body.success ? (body.data.error ?? body.data.message) : undefined,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      });
    },
  };
}
