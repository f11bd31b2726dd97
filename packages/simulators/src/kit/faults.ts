/**
 * Fault injection, one description for the three simulators: the next matching requests answer an error, hang,
 * hang up, or (GHL's "422 but created") take effect and then answer the error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Koa from 'koa';

export interface FaultSpec {
  /** HTTP status to answer with (e.g. 500, 503, 429, 403); default 500. Ignored when `reset` is true. */
  status?: number;
  /** Only requests whose path contains this string, or matches this pattern, are affected. */
  path?: string | RegExp;
  /** Only requests with this method (e.g. `GET`). */
  method?: string;
  /** Body of the injected answer (JSON); a simulator-specific generic one by default. */
  body?: unknown;
  /** Sets `Retry-After` (seconds) on the injected answer. */
  retryAfterSec?: number;
  /** Destroys the connection instead of answering (a network error for the client). */
  reset?: boolean;
  /** Run the real handler (state change, webhooks) first, then answer with the fault ("422 but created"). */
  afterEffect?: boolean;
  /** Only this share (0–1) of matching requests is affected: an error *rate* rather than a burst. */
  rate?: number;
  /** Hold the answer this long first (beyond a client's timeout, the call times out). */
  hangMs?: number;
}

/** Whether a fault applies to a request (`rate` draws once per request it would otherwise match). */
export function faultApplies(fault: FaultSpec, method: string, path: string): boolean {
  if (fault.method && fault.method !== method) return false;
  if (fault.path !== undefined) {
    const matches = typeof fault.path === 'string' ? path.includes(fault.path) : fault.path.test(path);
    if (!matches) return false;
  }
  return fault.rate === undefined || Math.random() < fault.rate;
}

export type PendingFault = FaultSpec & { remaining: number };

/** Consumes one use of the first pending fault that applies, if any. */
export function takeFault(faults: PendingFault[], method: string, path: string): FaultSpec | undefined {
  const index = faults.findIndex((f) => f.remaining > 0 && faultApplies(f, method, path));
  if (index < 0) return undefined;
  const fault = faults[index]!;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
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

  /** Consumes one matching fault for this request, if any. */
  take(path: string, method = 'GET'): FaultSpec | undefined {
    return takeFault(this.faults, method, path);
  }

  /** Koa middleware: latency first, then any injected fault. */
  middleware(): Koa.Middleware {
    return async (ctx, next) => {
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const fault = this.take(ctx.path, ctx.method);
      if (!fault) return next();
      if (fault.hangMs) await sleep(fault.hangMs);
      if (fault.afterEffect) await next();
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
