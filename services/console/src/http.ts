import type { Context } from 'koa';
import { z } from 'zod';

/** A refusal with a status, a stable code and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parses query or form fields with a zod schema; the first issue becomes a 400 that names the field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new HttpError(400, 'invalid_request', `${issue?.path.join('.') || 'request'}: ${issue?.message}`);
}

const BODY_LIMIT_BYTES = 64 * 1024;

/** The request body as text, refused past 64 KiB (nothing the console accepts is larger). */
async function readText(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) throw new HttpError(413, 'too_large', 'the body is over 64 KiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A form post's fields (application/x-www-form-urlencoded), the only body the pages send. */
export async function readForm(ctx: Context): Promise<Record<string, string>> {
  if (!ctx.is('application/x-www-form-urlencoded'))
    throw new HttpError(415, 'unsupported_media_type', 'expected a form');
  return Object.fromEntries(new URLSearchParams(await readText(ctx)));
}

/** A JSON body of the API; an empty body is `{}`. */
export async function readJson(ctx: Context): Promise<unknown> {
  const text = await readText(ctx);
  if (text.trim() === '') return {};
  if (!ctx.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'expected JSON');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

/** limit (1-200, default 50) and offset, the paging of every list. */
export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
