/** The admin API (fault injection and inspection over HTTP, for a standalone simulator); not logged as API calls. */
import type { Middleware } from 'koa';
import { readBody } from './http.ts';
import type { FaultSpec, GhlSimulator } from './types.ts';

export function adminApi(simulator: () => GhlSimulator): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/__sim/')) return next();
    const sim = simulator();
    const body = ctx.method === 'POST' ? JSON.parse((await readBody(ctx.req)).toString('utf8') || '{}') : {};
    const route = `${ctx.method} ${ctx.path}`;
    if (route === 'POST /__sim/faults') {
      const { count, path, ...fault } = body as FaultSpec & { count?: number; path?: string };
      sim.failNext(count ?? Number.POSITIVE_INFINITY, {
        ...fault,
        ...(path ? { path: new RegExp(path) } : {}),
      });
      ctx.status = 204;
    } else if (route === 'DELETE /__sim/faults') {
      sim.clearFaults();
      ctx.status = 204;
    } else if (route === 'POST /__sim/latency') {
      sim.setLatency(Number(body.ms ?? 0));
      ctx.status = 204;
    } else if (route === 'GET /__sim/state') {
      ctx.body = {
        contacts: sim.contacts(),
        notes: sim.contacts().flatMap((c) => sim.notes(c.id)),
        conversations: sim.conversations(),
      };
    } else if (route === 'GET /__sim/requests') {
      ctx.body = sim.requests;
    } else if (route === 'POST /__sim/idle') {
      await sim.idle();
      ctx.status = 204;
    } else {
      ctx.status = 404;
      ctx.body = { error: `no admin route ${route}` };
    }
  };
}
