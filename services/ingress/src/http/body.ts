import type { Context } from 'koa';
import { HttpError } from './errors.ts';

export interface JsonBody {
  /** The exact bytes received: signatures are computed over these, never over re-serialized JSON. */
  raw: Buffer;
  json: unknown;
}

/** Reads the request body once, refusing it early when it is larger than `limitBytes`. */
export async function readRawBody(ctx: Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      ctx.req.destroy();
      throw tooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a JSON body. `authenticate` runs on the raw bytes before parsing, so a caller that fails it learns
 * nothing about how its body would have been parsed.
 */
export async function readJsonBody(
  ctx: Context,
  limitBytes: number,
  authenticate?: (raw: Buffer) => void | Promise<void>,
): Promise<JsonBody> {
  if (!ctx.is('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'expected Content-Type: application/json');
  }
  const raw = await readRawBody(ctx, limitBytes);
  await authenticate?.(raw);
  try {
    return { raw, json: JSON.parse(raw.toString('utf8')) };
  } catch {
    throw new HttpError(400, 'malformed_json', 'the body is not valid JSON');
  }
}

function tooLarge(limitBytes: number) {
  return new HttpError(413, 'payload_too_large', `the body is larger than ${limitBytes} bytes`);
}
