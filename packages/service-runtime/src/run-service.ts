import { type Env, type InfrastructureEnv, loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import { createLogger, type Logger } from '@df/telemetry';
import { connectInfrastructure, type Infrastructure } from './infrastructure.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { loadOpsSettings, loadSettings } from './ops-settings.ts';
import { OPS_PORTS, serveOps } from './serve-ops.ts';

/** What a service's start sees: its validated settings and the process's shared parts. */
export interface ServiceContext<S> {
  settings: S;
  infra: Infrastructure;
  metrics: ServiceMetrics;
  log: Logger;
}

export interface ServiceDefinition<S extends { infrastructure: InfrastructureEnv }> {
  name: keyof typeof OPS_PORTS;
  /** The service's own settings (zod-validated); their problems are reported with the ops settings', together. */
  settings: (env: Env) => S;
  /** Starts the service's consumers; `stop` drains them on SIGTERM/SIGINT, before the ops server closes. */
  start: (context: ServiceContext<S>) => Promise<{ stop: () => Promise<void> }>;
}

/**
 * A service as its own process: settings validated (or exit 1 naming every problem), infrastructure, health and
 * metrics on its OPS_PORT, then the service, then a drain on SIGTERM/SIGINT (service, ops server, database).
 */
export async function runService<S extends { infrastructure: InfrastructureEnv }>(
  definition: ServiceDefinition<S>,
): Promise<void> {
  const { name } = definition;
  const { service: settings, ops } = loadOrExit(name, () =>
    loadSettings({
      service: () => definition.settings(process.env),
      ops: () => loadOpsSettings(process.env, OPS_PORTS[name]),
    }),
  );
  const log = createLogger({ service: name }, { level: settings.infrastructure.logLevel });
  const infra = connectInfrastructure({
    ...settings.infrastructure,
    clientId: name,
    log,
    credentials: ops.credentials,
  });
  const metrics = createServiceMetrics(undefined, { processMetrics: true });
  const server = await serveOps(name, ops, infra, [metrics.registry]);
  const service = await definition.start({ settings, infra, metrics, log });
  stopOnSignals([service.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
}
