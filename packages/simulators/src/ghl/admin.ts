/** The admin API (fault injection and inspection over HTTP, for a standalone simulator); not logged as API calls. */
import { Router } from '@koa/router';
import type Koa from 'koa';
import { readBody } from './http.ts';
import type { FaultSpec, GhlSimulator } from './types.ts';

export function adminApi(simulator: () => GhlSimulator): Koa.Middleware {
  const router = new Router({ prefix: '/__sim' });
  const json = async (ctx: Koa.Context): Promise<Record<string, unknown>> =>
    JSON.parse((await readBody(ctx.req)).toString('utf8') || '{}');

  router.post('/faults', async (ctx) => {
    const { count, path, ...fault } = (await json(ctx)) as unknown as FaultSpec & {
      count?: number;
      path?: string;
    };
    simulator().failNext(count ?? Number.POSITIVE_INFINITY, {
      ...fault,
      ...(path ? { path: new RegExp(path) } : {}),
    });
    ctx.status = 204;
  });
  router.delete('/faults', (ctx) => {
    simulator().clearFaults();
    ctx.status = 204;
  });
  router.post('/latency', async (ctx) => {
    simulator().setLatency(Number((await json(ctx)).ms ?? 0));
    ctx.status = 204;
  });
  router.get('/state', (ctx) => {
    const sim = simulator();
    ctx.body = {
      contacts: sim.contacts(),
      notes: sim.contacts().flatMap((c) => sim.notes(c.id)),
      conversations: sim.conversations(),
    };
  });
  router.get('/requests', (ctx) => {
    ctx.body = simulator().requests;
  });
  router.post('/idle', async (ctx) => {
    await simulator().idle();
    ctx.status = 204;
  });

  const routes = router.routes() as Koa.Middleware;
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/__sim/')) return next();
    await routes(ctx, async () => {
      ctx.status = 404;
      ctx.body = { error: `no admin route ${ctx.method} ${ctx.path}` };
    });
  };
}
