/**
 * The simulators' control plane under `/__sim` (not part of any tool): lets a separate process — the stack's
 * local default, an end-to-end test, a developer with curl — drive and inspect a standalone simulator.
 */
import type { Router } from '@koa/router';
import type Koa from 'koa';
import type { FaultSpec } from './faults.ts';

export const CONTROL_PREFIX = '/__sim';

type Json = Record<string, unknown>;

/** Wraps a driver call: its result as JSON, a thrown error as 400 `{error}`. */
export function run(ctx: Koa.Context, status: number, fn: () => unknown): void {
  try {
    const result = fn();
    ctx.status = result === undefined ? 204 : status;
    if (result !== undefined) ctx.body = result;
  } catch (error) {
    ctx.status = 400;
    ctx.body = { error: error instanceof Error ? error.message : String(error) };
  }
}

export function jsonBody(ctx: Koa.Context): Json {
  return ctx.state.json && typeof ctx.state.json === 'object' ? (ctx.state.json as Json) : {};
}

/** Common control routes of both simulators: faults, latency, idle, deliveries, requests. */
export function commonControl(
  router: Router,
  sim: () => {
    failNext(n: number, spec?: FaultSpec): void;
    setLatency(ms: number): void;
    idle(): Promise<void>;
    deliveries: unknown[];
    requests: unknown[];
  },
): void {
  router.post('/faults', (ctx) => {
    const { n, ...spec } = jsonBody(ctx) as { n?: number } & FaultSpec;
    run(ctx, 204, () => sim().failNext(n ?? 1, spec));
  });
  router.post('/latency', (ctx) => run(ctx, 204, () => sim().setLatency(Number(jsonBody(ctx).ms ?? 0))));
  router.post('/idle', async (ctx) => {
    await sim().idle();
    ctx.status = 204;
  });
  router.get('/deliveries', (ctx) => {
    ctx.body = sim().deliveries;
  });
  router.get('/requests', (ctx) => {
    ctx.body = sim().requests;
  });
}
