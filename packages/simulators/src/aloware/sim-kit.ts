/**
 * Small building blocks shared by the Aloware and texting simulators: an HTTP server around a Koa app,
 * raw-body reading, fault injection, a request log with secrets redacted, and an ordered webhook queue
 * whose deliveries tests can await.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type Koa from 'koa';

export interface FaultSpec {
  /** HTTP status to answer with (e.g. 500, 503, 429, 403). Ignored when `reset` is true. */
  status?: number;
  /** Only requests whose path contains this string are affected. */
  path?: string;
  /** Body of the injected answer (JSON); a generic one by default. */
  body?: unknown;
  /** Sets `Retry-After` (seconds) on the injected answer. */
  retryAfterSec?: number;
  /** Destroys the connection instead of answering (a network error for the client). */
  reset?: boolean;
}

interface PendingFault extends FaultSpec {
  remaining: number;
}

export class FaultInjector {
  private faults: PendingFault[] = [];
  latencyMs = 0;

  /** The next `n` matching requests fail as described. Several calls queue up in order. */
  failNext(n: number, spec: FaultSpec = {}): void {
    if (n > 0) this.faults.push({ status: 500, ...spec, remaining: n });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one matching fault for this request path, if any. */
  take(path: string): FaultSpec | undefined {
    const index = this.faults.findIndex((f) => f.path === undefined || path.includes(f.path));
    if (index < 0) return undefined;
    const fault = this.faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }

  /** Koa middleware: latency first, then any injected fault. */
  middleware(): Koa.Middleware {
    return async (ctx, next) => {
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const fault = this.take(ctx.path);
      if (!fault) return next();
      if (fault.reset) {
        ctx.req.socket.destroy();
        ctx.respond = false;
        return;
      }
      ctx.status = fault.status ?? 500;
      if (fault.retryAfterSec !== undefined) ctx.set('Retry-After', String(fault.retryAfterSec));
      ctx.body = fault.body ?? { message: 'Injected fault.' };
    };
  }
}

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

const responseScope = new AsyncLocalStorage<Promise<void>>();

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

export interface Delivery<E extends string = string> {
  /** Order in which the delivery was enqueued (1-based). */
  seq: number;
  event: E;
  url: string;
  /** The exact bytes that were POSTed. */
  rawBody: string;
  body: unknown;
  /** Headers sent, with secrets redacted. */
  headers: Record<string, string>;
  /** HTTP status the receiver answered, or null when the request failed (see `error`). */
  status: number | null;
  error?: string;
  at: Date;
}

export interface WebhookQueueOptions {
  timeoutMs?: number;
}

/**
 * Sends webhooks one after another in enqueue order and never retries (like Aloware). `idle()` resolves when
 * everything enqueued so far has been attempted.
 */
export class WebhookQueue<E extends string = string> {
  readonly deliveries: Delivery<E>[] = [];
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private seq = 0;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: WebhookQueueOptions = {}) {}

  enqueue(args: {
    event: E;
    url: string | undefined;
    body: unknown;
    headers: (rawBody: string) => Record<string, string>;
    delayMs?: number;
  }): void {
    if (this.closed || !args.url) return;
    const seq = ++this.seq;
    const url = args.url;
    const answered = responseScope.getStore();
    this.pending += 1;
    this.tail = this.tail.then(async () => {
      try {
        if (answered) await answered;
        if (args.delayMs && args.delayMs > 0) {
          await sleep(args.delayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
        }
        if (!this.closed) await this.send(seq, args.event, url, args.body, args.headers);
      } finally {
        this.pending -= 1;
      }
    });
  }

  private async send(
    seq: number,
    event: E,
    url: string,
    body: unknown,
    headersFor: (rawBody: string) => Record<string, string>,
  ): Promise<void> {
    const rawBody = JSON.stringify(body);
    const headers = headersFor(rawBody);
    const delivery: Delivery<E> = {
      seq,
      event,
      url,
      rawBody,
      body,
      headers: redact(headers),
      status: null,
      at: new Date(),
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: rawBody,
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? 30_000), this.abort.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      delivery.status = response.status;
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    this.deliveries.push(delivery);
  }

  get inFlight(): number {
    return this.pending;
  }

  /** Resolves once every delivery enqueued before (and during) the wait has been attempted. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }

  /** Stops sending: queued deliveries are dropped and one in flight is aborted. */
  close(): void {
    this.closed = true;
    this.abort.abort();
  }
}

/** Aloware's timestamp format: `YYYY-MM-DD HH:MM:SS`, UTC, no zone. */
export function alowareTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Normalises a phone number to E.164 the way a NANP-centric tool does: 10 digits get `+1`, 11 digits starting
 * with 1 get `+`, a leading `+` with 8–15 digits is kept. Anything else is invalid (null).
 */
export function toE164(input: unknown): string | null {
  if (typeof input !== 'string' && typeof input !== 'number') return null;
  const text = String(input).trim();
  if (text === '') return null;
  const digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}
