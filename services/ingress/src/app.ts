import type { Database } from '@df/db';
import type { Logger, MetricsRegistry } from '@df/telemetry';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import type { Kysely } from 'kysely';
import { AuthFailure } from './auth/failure.ts';
import type { GhlVerifier } from './auth/ghl-signature.ts';
import type { IngressConfig } from './config.ts';
import type { DurablePublisher } from './durability/durable-publisher.ts';
import { errorBoundary } from './http/errors.ts';
import type { IngressMetrics } from './metrics.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerOAuthCallbackRoute } from './routes/oauth-callback.ts';
import { registerOperatorRoutes } from './routes/operator.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface IngressAppDeps {
  config: IngressConfig;
  publisher: DurablePublisher;
  metrics: IngressMetrics;
  ghlVerifier: GhlVerifier;
  /** The install callback stores tokens here (the spool's database). */
  db: Kysely<Database>;
  log: Logger;
  readiness: () => Promise<{ kafka: boolean; registry: boolean; spool: boolean }>;
  extraMetrics: MetricsRegistry[];
}

/** The router's pattern for the request (`/webhooks/ghl`), set once a route matched; a bounded label value. */
function routePattern(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

export function createIngressApp(deps: IngressAppDeps): Koa {
  const { config, metrics, log } = deps;
  const app = new Koa({ proxy: true });
  const router = new Router();
  registerWebhookRoutes(router, { ...deps, topicPrefix: config.topicPrefix });
  registerOperatorRoutes(router, {
    operatorToken: config.operatorToken,
    bodyLimitBytes: config.bodyLimitBytes,
    publisher: deps.publisher,
    defaultTenant: config.aloware.defaultTenant,
    topicPrefix: config.topicPrefix,
  });
  // Without the marketplace app configured there is no such route (404): nothing to probe.
  if (config.ghlApp) registerOAuthCallbackRoute(router, { app: config.ghlApp, db: deps.db, log });
  registerHealthRoutes(router, {
    registries: [metrics.registry, ...deps.extraMetrics],
    operatorToken: config.operatorToken,
    readiness: deps.readiness,
  });

  // Outermost: every request is counted by its route pattern (not its raw path) and final status.
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      const route = routePattern(ctx);
      metrics.requests.inc({ route, status: String(ctx.status) });
      log.debug('request', { method: ctx.method, route, status: ctx.status });
    }
  });
  app.use(errorBoundary(log));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof AuthFailure) {
        // The pattern, never the raw path: the router matches `/WEBHOOKS/GHL/` too, and a label per spelling
        // would let unauthenticated callers grow /metrics without bound.
        const route = routePattern(ctx);
        metrics.authFailures.inc({ route, reason: error.reason });
        log.warn('request refused', { route, reason: error.reason });
      }
      throw error;
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
