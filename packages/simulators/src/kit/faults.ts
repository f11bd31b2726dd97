/** Fault injection for the simulators: the next requests answer an error, hang up, or are slowed down. */
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
