import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { registerApiRoutes } from './api.ts';
import type { ConsoleConfig } from './config.ts';
import type { ConsoleDeps } from './deps.ts';
import { HttpError } from './http.ts';
import { registerPageRoutes } from './page-routes.ts';
import { bearerIsValid, SESSION_COOKIE, sessionIsValid } from './session.ts';
import { refuseWhileThrottled, SignInThrottle } from './sign-in-throttle.ts';

const isApi = (ctx: Context) => ctx.path.startsWith('/api/');

/** Every failure: JSON `{ error: { code, message } }` for the API, a short page for a browser. */
function errorBoundary(deps: ConsoleDeps) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof HttpError;
      if (!known) deps.log.error('console request failed', { route: ctx.path, error: error as Error });
      ctx.status = known ? error.status : 500;
      const code = known ? error.code : 'internal';
      const message = known ? error.message : 'internal error';
      if (isApi(ctx)) ctx.body = { error: { code, message } };
      else {
        ctx.type = 'text/plain';
        ctx.body = `${ctx.status} ${message}`;
      }
    }
  };
}

/**
 * Nothing but the log-in page is served without the operator token: the API takes it as a bearer (constant-time
 * compare), the pages as the signed session cookie the log-in form sets.
 */
function authenticate(config: ConsoleConfig, throttle: SignInThrottle, now: () => number) {
  return async (ctx: Context, next: Next) => {
    if (isApi(ctx)) {
      const authorization = ctx.get('authorization') || undefined;
      if (authorization) refuseWhileThrottled(ctx, throttle, now());
      if (!bearerIsValid(authorization, config.operatorToken)) {
        if (authorization) throttle.failed(ctx.ip, now());
        throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <OPERATOR_TOKEN>');
      }
      return next();
    }
    // The log-in form, and liveness for probes (no data).
    if (ctx.path === '/login' || ctx.path === '/healthz') return next();
    if (!sessionIsValid(ctx.cookies.get(SESSION_COOKIE), config.operatorToken, now())) {
      if (ctx.method === 'GET') return ctx.redirect('/login');
      throw new HttpError(401, 'unauthorized', 'sign in first');
    }
    return next();
  };
}

export function createConsoleApp(config: ConsoleConfig, deps: ConsoleDeps): Koa {
  const app = new Koa({ proxy: config.secureCookie });
  const now = () => (deps.now?.() ?? new Date()).getTime();
  const throttle = new SignInThrottle();
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  registerApiRoutes(router, deps, { services: config.services });
  registerPageRoutes(router, deps, config, { now, throttle });
  app.use(async (ctx, next) => {
    // No framing, no inline scripts from elsewhere, no referrer leaking a searched phone to another site.
    ctx.set('x-frame-options', 'DENY');
    ctx.set(
      'content-security-policy',
      "default-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    );
    ctx.set('referrer-policy', 'no-referrer');
    ctx.set('x-content-type-options', 'nosniff');
    await next();
  });
  app.use(errorBoundary(deps));
  app.use(authenticate(config, throttle, now));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
