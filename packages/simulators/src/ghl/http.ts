/** GHL-shaped HTTP errors and request-body handling shared by the simulator's routes and pipeline. */
import { createHash, randomUUID } from 'node:crypto';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const unauthorized = (message: string) =>
  new HttpError(401, { statusCode: 401, message, error: 'Unauthorized' });
export const badRequest = (message: string, extra: Record<string, unknown> = {}) =>
  new HttpError(400, { statusCode: 400, message, ...extra });
export const unprocessable = (messages: string[]) =>
  new HttpError(422, { statusCode: 422, message: messages, error: 'Unprocessable Entity' });
export const forbiddenLocation = () =>
  new HttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });

export const digest = (value: string) => createHash('sha256').update(value).digest();

/** Logs are kept for tests; a long-running standalone simulator keeps the newest 100 000 entries. */
const LOG_LIMIT = 100_000;
export function capped<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
}

export async function readBody(req: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export function parseBody(raw: Buffer, contentType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, {
      statusCode: 400,
      message: 'Unexpected token in JSON body',
      error: 'Bad Request',
    });
  }
}

export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ ...claims, jti: randomUUID(), iat: Date.now() })}.${randomUUID().replaceAll('-', '')}`;
}
