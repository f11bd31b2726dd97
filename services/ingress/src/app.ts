import type { Logger, MetricsRegistry } from '@df/telemetry';
import Router from '@koa/router';
import Koa from 'koa';
import { AuthFailure } from './auth/failure.ts';
import type { GhlVerifier } from './auth/ghl-signature.ts';
import type { IngressConfig } from './config.ts';
import type { DurablePublisher } from './durability/durable-publisher.ts';
import { errorBoundary } from './http/errors.ts';
import type { IngressMetrics } from './metrics.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerOperatorRoutes } from './routes/operator.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

export interface IngressAppDeps {
  config: IngressConfig;
  publisher: DurablePublisher;
  metrics: IngressMetrics;
  ghlVerifier: GhlVerifier;
  log: Logger;
  readiness: () => Promise<{ kafka: boolean; registry: boolean }>;
  extraMetrics: MetricsRegistry[];
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
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.requests.inc({ route: String(route), status: String(ctx.status) });
      log.debug('request', { method: ctx.method, route: String(route), status: ctx.status });
    }
  });
  app.use(errorBoundary(log));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof AuthFailure) {
        metrics.authFailures.inc({ route: ctx.path, reason: error.reason });
        log.warn('request refused', { route: ctx.path, reason: error.reason });
      }
      throw error;
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
