/**
 * Client of the texting system's send API (shared/docs/texting-api.md §2). Every send carries an
 * `Idempotency-Key` (the middleware event id), so a retried send never texts twice. The API key travels only in
 * the `Authorization` header and never appears in an error.
 */

import { errorForAnswer, isSuccess, parseAnswer, sendRequest, ToolError } from '@df/tool-http';
import { z } from 'zod';

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

/** The 409 "recipient opted out" answer: permanent; the caller records the opt-out. */
export function isOptedOut(error: unknown): boolean {
  return (
    error instanceof ToolError && error.code === 'conflict' && /opted out/i.test(error.serverMessage ?? '')
  );
}

export interface TextingClient {
  sendMessage(input: SendTextInput): Promise<SendTextResult>;
}

const errorBodySchema = z.looseObject({ error: z.string().optional(), message: z.string().optional() });

export function createTextingClient(options: TextingClientOptions): TextingClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${TEXTING_SEND_MESSAGE_PATH}`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  return {
    async sendMessage(input) {
      const ctx = { tool: 'texting', operation: 'sendMessage' } as const;
      if (!input.idempotencyKey)
        throw new ToolError('bad_request', { ...ctx, serverMessages: ['idempotencyKey is required'] });
      const payload: Record<string, string> = { to: input.to, body: input.body };
      if (input.from !== undefined) payload.from = input.from;
      if (input.conversationId !== undefined) payload.conversationId = input.conversationId;
      if (input.correlationId !== undefined) payload.correlationId = input.correlationId;
      const answer = await sendRequest({
        ...ctx,
        url,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${options.apiKey}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Idempotency-Key': input.idempotencyKey,
        },
        body: JSON.stringify(payload),
        timeoutMs,
        fetch: options.fetch,
      });
      if (isSuccess(answer)) {
        const sent = parseAnswer(sendAcceptedSchema, answer, ctx);
        return { messageId: sent.messageId, chatId: sent.chatId, status: sent.status };
      }
      const body = errorBodySchema.safeParse(answer.json);
      const text = body.success ? (body.data.error ?? body.data.message) : undefined;
      throw errorForAnswer(answer, ctx, { serverMessages: text ? [text] : [] });
    },
  };
}
