/**
 * Every API request, in GHL's order: logged, routed by @koa/router (404 like NestJS when nothing matches),
 * optional latency, `Version` header, bearer token, rate limits, injected faults, the handler; then the rate-limit
 * headers and the answer checked against the OpenAPI spec (violations collected for the tests).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import { faultError, faultInjector } from './faults.ts';
import { capped, HttpError, parseBody, readBody, unauthorized } from './http.ts';
import type { Lookups } from './lookups.ts';
import { rateLimiter } from './rate-limit.ts';
import { koaPath, type Route, type RouteResult } from './router.ts';
import type { GhlState, TokenRecord } from './state.ts';
import type { SimRequest } from './types.ts';

const PUBLISHED_VERSIONS = new Set(['2021-04-15', '2021-07-28', '2023-02-21', 'v3']);

/** What one request's steps share: its log entry, raw body, and (once routed) its route and rate-limit key. */
interface Exchange {
  entry: SimRequest;
  raw: Buffer;
  route?: Route;
  rateKey?: string;
}

/** A `reset` fault: the connection is dropped, the client sees a network error (after the effect, if any). */
function hangUp(ctx: Context): void {
  ctx.req.socket.destroy();
  ctx.respond = false;
}

/** The API's middleware, in order: the request's frame (log, errors, headers, spec check), the routes, the 404. */
export function apiPipeline(s: GhlState, { findToken }: Lookups, routes: Route[]): Middleware[] {
  const limits = rateLimiter(s);
  const faults = faultInjector(s);

  /** Version header and bearer token (the caller counts the request against the rate limits). */
  const authorize = (route: Route, get: (header: string) => string, entry: SimRequest) => {
    if (route.version !== null) {
      const version = get('version');
      if (!version) throw unauthorized('version header was not found.');
      const ok = s.options.strictVersion ? version === route.version : PUBLISHED_VERSIONS.has(version);
      if (!ok) throw unauthorized('version header is invalid');
    }
    if (!route.auth) return {};
    const presented = /^Bearer\s+(.+)$/i.exec(get('authorization'))?.[1]?.trim();
    const token: TokenRecord | undefined = presented ? findToken(presented) : undefined;
    if (!token) throw unauthorized('Invalid token: access token is invalid');
    if (token.expiresAt !== undefined && token.expiresAt <= Date.now()) throw unauthorized('Invalid JWT');
    entry.locationId = token.locationId;
    entry.app = token.kind === 'pit' ? 'pit' : `oauth:${token.clientId}`;
    return { token, rateKey: `${token.kind === 'pit' ? token.token : token.clientId}|${token.locationId}` };
  };

  /** One matched route, from latency to the handler's answer. */
  const serve = async (ctx: Context, route: Route, x: Exchange) => {
    x.route = route;
    if (s.latencyMs > 0) await sleep(s.latencyMs);
    const auth = authorize(route, (h) => ctx.get(h), x.entry);
    x.rateKey = auth.rateKey;
    if (auth.token && x.rateKey) limits.admit(x.rateKey, auth.token.locationId);

    const fault = faults.take(ctx.method, ctx.path, x.entry);
    if (fault?.hangMs) await sleep(fault.hangMs);
    if (fault && !fault.afterEffect) {
      if (fault.reset) return hangUp(ctx);
      throw faultError(fault);
    }
    const result: RouteResult = await route.handler({
      params: ctx.params as Record<string, string>,
      query: new URLSearchParams(ctx.querystring),
      body: parseBody(x.raw, ctx.get('content-type')),
      token: auth.token,
    });
    if (fault?.reset) return hangUp(ctx);
    if (fault) throw faultError(fault);
    ctx.status = result.status;
    ctx.body = result.body;
  };

  // Registered in the table's order: the first route that matches answers (none calls `next`).
  const router = new Router();
  for (const route of routes) {
    router.register(koaPath(route.path), [route.method], (ctx) => serve(ctx, route, ctx.state.exchange));
  }
  const notFound: Middleware = (ctx) => {
    throw new HttpError(404, {
      statusCode: 404,
      message: `Cannot ${ctx.method} ${ctx.path}`,
      error: 'Not Found',
    });
  };

  const frame: Middleware = async (ctx, next) => {
    const entry: SimRequest = {
      id: randomUUID(),
      at: Date.now(),
      method: ctx.method,
      path: ctx.path,
      url: ctx.url,
      status: 0,
    };
    capped(s.requests, entry);
    const x: Exchange = { entry, raw: Buffer.alloc(0) };
    try {
      x.raw = await readBody(ctx.req);
      ctx.state.exchange = x;
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.body = error.body;
        for (const [k, v] of Object.entries(error.headers)) ctx.set(k, v);
      } else {
        ctx.status = 500;
        ctx.body = { statusCode: 500, message: 'Internal Server Error' };
        console.error('[ghl-simulator] handler error', error instanceof Error ? error.message : error);
      }
    } finally {
      for (const [k, v] of Object.entries(limits.headers(x.rateKey, entry.locationId))) ctx.set(k, v);
      const matched = x.route;
      entry.status = ctx.status;
      entry.durationMs = Date.now() - entry.at;
      if (matched?.spec && typeof ctx.body === 'object' && ctx.body !== null) {
        const errors = s.spec.validateResponse(
          matched.spec.name,
          ctx.method,
          matched.spec.path,
          ctx.status,
          ctx.body,
        );
        if (errors.length > 0 && !faults.isInjected(entry)) {
          s.specViolations.push({
            method: ctx.method,
            path: matched.spec.path,
            status: ctx.status,
            errors: errors.map((e) => e.message),
          });
        }
      }
    }
  };
  // Typed for a router context; Koa hands it one (the router sets `params`), as in admin.ts.
  return [frame, router.routes() as Middleware, notFound];
}
