import { randomBytes } from 'node:crypto';
import type { MetricsRegistry } from '@df/telemetry';
import { startTracing } from '@df/tracing';
import { sql } from 'kysely';
import type { Infrastructure } from './infrastructure.ts';
import { type ReadinessChecks, type RunningOpsServer, startOpsServer } from './ops-server.ts';
import type { OpsSettings } from './ops-settings.ts';

/** Each service's default health and metrics port (`OPS_PORT`), documented in .env.example and deploy/. */
export const OPS_PORTS = {
  ingress: 9100,
  'contact-sync': 9101,
  'call-sync': 9102,
  'list-sync': 9103,
  'messaging-relay': 9104,
  audit: 9105,
  replay: 9106,
  backfill: 9107,
} as const;

/** Resolves false after `ms`: a server that accepts the connection and says nothing is not ready. */
function within(ms: number, check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([check.catch(() => false), timedOut]).finally(() => clearTimeout(timer));
}

/** Kafka, the registry and Postgres of a consumer service, each bounded to a few seconds. */
export function infrastructureReadiness(infra: Infrastructure): ReadinessChecks {
  return {
    kafka: () =>
      within(
        5000,
        (async () => {
          const admin = infra.kafka.admin();
          try {
            await admin.connect();
            await admin.listTopics();
            return true;
          } finally {
            await admin.disconnect().catch(() => {});
          }
        })(),
      ),
    registry: () => within(5000, infra.codec.isReachable()),
    postgres: () =>
      within(
        5000,
        sql`select 1`.execute(infra.db).then(() => true),
      ),
  };
}

/**
 * The health and metrics endpoints of a service on its ops port. Without a configured token (local mode only:
 * production refuses to start without one) a token is generated for this start and printed on stderr, once.
 * Tracing starts here too when OTEL_EXPORTER_OTLP_ENDPOINT is set (every service starts its ops server first);
 * closing the server sends the spans still buffered.
 */
export async function serveOps(
  service: string,
  ops: OpsSettings,
  infra: Infrastructure,
  registries: MetricsRegistry[],
  isReady?: (checks: Record<string, boolean>) => boolean,
): Promise<RunningOpsServer> {
  let metricsToken = ops.metricsToken;
  if (!metricsToken) {
    metricsToken = randomBytes(16).toString('hex');
    process.stderr.write(
      `${service}: /metrics bearer generated for this start (set METRICS_TOKEN to keep one): ${metricsToken}\n`,
    );
  }
  const tracing = startTracing(service, ops.tracing);
  if (tracing.enabled) infra.log.info('exporting traces', { service });
  const server = await startOpsServer({
    host: ops.host,
    port: ops.port,
    metricsToken,
    registries,
    readiness: infrastructureReadiness(infra),
    ...(isReady ? { isReady } : {}),
    log: infra.log.child({ service }),
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await tracing.shutdown().catch((error) => infra.log.warn('traces not flushed', { error }));
    },
  };
}
