/** The simulators' HTTP plumbing: raw bodies, a request log with secrets redacted, listening, webhook deferral. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RequestLogEntry {
  at: Date;
  method: string;
  path: string;
  /** Query parameters with secrets replaced by `[redacted]`. */
  query: Record<string, string>;
  /** Parsed JSON body with secrets replaced by `[redacted]` (undefined when not JSON). */
  body: unknown;
  headers: Record<string, string>;
  status: number;
}

const SECRET_KEYS = new Set(['api_token', 'authorization', 'x-texting-secret']);

export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : redact(v);
    return out as T;
  }
  return value;
}

/** Reads the raw request body (once) and parses JSON when possible; sets `ctx.state.rawBody` and `ctx.state.json`. */
export function bodyReader(): Koa.Middleware {
  return async (ctx, next) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    ctx.state.rawBody = raw;
    ctx.state.json = undefined;
    ctx.state.jsonInvalid = false;
    if (raw.length > 0) {
      try {
        ctx.state.json = JSON.parse(raw);
      } catch {
        ctx.state.jsonInvalid = true;
      }
    }
    await next();
  };
}

/** Records every request (after it was answered) with secrets redacted. */
export function requestLogger(log: RequestLogEntry[]): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(ctx.request.headers)) if (typeof v === 'string') headers[k] = v;
      log.push({
        at: new Date(),
        method: ctx.method,
        path: ctx.path,
        query: redact({ ...(ctx.query as Record<string, string>) }),
        body: redact(ctx.state.json),
        headers: redact(headers),
        status: ctx.status,
      });
    }
  };
}

export interface ListeningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<ListeningServer> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const responseScope = new AsyncLocalStorage<Promise<void>>();

/**
 * Webhooks caused by an API request are sent only once that request's answer has been written (as with the
 * real tools: the 201/202 comes first, the webhook later). Koa middleware; drivers called outside a request
 * send at once.
 */
export function deferWebhooksUntilAnswered(): Koa.Middleware {
  return (ctx, next) => {
    const answered = new Promise<void>((resolve) => {
      ctx.res.once('finish', resolve);
      ctx.res.once('close', resolve);
    });
    return responseScope.run(answered, next);
  };
}
