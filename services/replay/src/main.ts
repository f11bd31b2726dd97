import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import {
  connectInfrastructure,
  createServiceMetrics,
  loadInfrastructureSettings,
  loadOpsSettings,
  loadSettings,
  OPS_PORTS,
  serveOps,
} from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { replayCommands } from './commands.ts';

/**
 * The operator jobs as their own process (the all-in-one runs them too): health and metrics on OPS_PORT (9106).
 * Topics and schemas: `npm run provision`.
 */
const { service, ops } = loadOrExit('replay', () =>
  loadSettings({
    service: () => loadInfrastructureSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS.replay),
  }),
);
const log = createLogger({ service: 'replay' }, { level: service.logLevel });
const infra = connectInfrastructure({ ...service, clientId: 'replay', log, credentials: ops.credentials });
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('replay', ops, infra, [metrics.registry]);
const consumer = await replayCommands.start(infra, { metrics });
log.info('replay consuming commands');
stopOnSignals([consumer.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
