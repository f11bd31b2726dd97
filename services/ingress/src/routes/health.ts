import { MetricsRegistry } from '@df/telemetry';
import type Router from '@koa/router';
import { verifyOperatorToken } from '../auth/operator.ts';

export interface HealthDeps {
  /** Served together on /metrics. */
  registries: MetricsRegistry[];
  operatorToken: string | undefined;
  /** Whether Kafka, the registry and the spool's Postgres answer right now. */
  readiness: () => Promise<{ kafka: boolean; registry: boolean; spool: boolean }>;
}

/**
 * Liveness and readiness carry no data and stay open for orchestrators' probes; metrics name routes and
 * volumes, so they need the operator token.
 */
export function registerHealthRoutes(router: Router, deps: HealthDeps) {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const checks = await deps.readiness();
    // Ready = a delivery can be made durable: published (Kafka and the registry) or spooled (Postgres).
    const ready = (checks.kafka && checks.registry) || checks.spool;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });
  router.get('/metrics', async (ctx) => {
    verifyOperatorToken(ctx.get('authorization') || undefined, deps.operatorToken);
    const merged = MetricsRegistry.merge(deps.registries);
    ctx.type = merged.contentType;
    ctx.body = await merged.metrics();
  });
}
