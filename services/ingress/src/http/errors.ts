import type { Logger } from '@df/telemetry';
import type { Context, Next } from 'koa';

/** An answer with a status, a stable machine-readable code and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Every failure leaves as `{ "error": { "code", "message" } }`; unexpected ones as a 500 without internals. */
export function errorBoundary(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: { code: error.code, message: error.message } };
        return;
      }
      log.error('request failed', { route: ctx.path, error: error as Error });
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: 'internal error' } };
    }
  };
}
