/**
 * Every API request, in GHL's order: logged, routed (404 like NestJS), optional latency, `Version` header, bearer
 * token, rate limits, injected faults, the handler; then the rate-limit headers and the answer checked against the
 * OpenAPI spec (violations collected for the tests).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Middleware } from 'koa';
import { faultError, faultInjector } from './faults.ts';
import { capped, HttpError, parseBody, readBody, unauthorized } from './http.ts';
import type { Lookups } from './lookups.ts';
import { rateLimiter } from './rate-limit.ts';
import type { Route, RouteResult } from './router.ts';
import type { GhlState, TokenRecord } from './state.ts';
import type { SimRequest } from './types.ts';

const PUBLISHED_VERSIONS = new Set(['2021-04-15', '2021-07-28', '2023-02-21', 'v3']);

type Match = (method: string, path: string) => { route: Route; params: Record<string, string> } | undefined;

/** A `reset` fault: the connection is dropped, the client sees a network error (after the effect, if any). */
function hangUp(ctx: Parameters<Middleware>[0]): void {
  ctx.req.socket.destroy();
  ctx.respond = false;
}

export function apiPipeline(s: GhlState, { findToken }: Lookups, match: Match): Middleware {
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

  return async (ctx) => {
    const entry: SimRequest = {
      id: randomUUID(),
      at: Date.now(),
      method: ctx.method,
      path: ctx.path,
      url: ctx.url,
      status: 0,
    };
    capped(s.requests, entry);
    let rateKey: string | undefined;
    let matched: Route | undefined;
    try {
      const raw = await readBody(ctx.req);
      const found = match(ctx.method, ctx.path);
      if (!found) {
        throw new HttpError(404, {
          statusCode: 404,
          message: `Cannot ${ctx.method} ${ctx.path}`,
          error: 'Not Found',
        });
      }
      matched = found.route;
      if (s.latencyMs > 0) await sleep(s.latencyMs);
      const auth = authorize(matched, (h) => ctx.get(h), entry);
      rateKey = auth.rateKey;
      if (auth.token && rateKey) limits.admit(rateKey, auth.token.locationId);

      const fault = faults.take(ctx.method, ctx.path, entry);
      if (fault?.hangMs) await sleep(fault.hangMs);
      if (fault && !fault.afterEffect) {
        if (fault.reset) return hangUp(ctx);
        throw faultError(fault);
      }
      const body = parseBody(raw, ctx.get('content-type'));
      const result: RouteResult = await matched.handler({
        params: found.params,
        query: new URLSearchParams(ctx.querystring),
        body,
        token: auth.token,
      });
      if (fault?.reset) return hangUp(ctx);
      if (fault) throw faultError(fault);
      ctx.status = result.status;
      ctx.body = result.body;
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
      for (const [k, v] of Object.entries(limits.headers(rateKey, entry.locationId))) ctx.set(k, v);
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
}
