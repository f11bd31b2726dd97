import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import {
  connectInfrastructure,
  createServiceMetrics,
  loadOpsSettings,
  loadSettings,
  OPS_PORTS,
  serveOps,
} from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { startAudit } from './audit.ts';
import { loadAuditSettings } from './config.ts';

/** audit as its own process: health and metrics on OPS_PORT (9105). Topics and schemas: `npm run provision`. */
const { service, ops } = loadOrExit('audit', () =>
  loadSettings({
    service: () => loadAuditSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS.audit),
  }),
);
const log = createLogger({ service: 'audit' }, { level: service.infrastructure.logLevel });
const infra = connectInfrastructure({
  ...service.infrastructure,
  clientId: 'audit',
  log,
  credentials: ops.credentials,
});
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const server = await serveOps('audit', ops, infra, [metrics.registry]);
const consumer = await startAudit(infra, metrics);
log.info('audit consuming');
stopOnSignals([consumer.stop, server.close, () => infra.db.destroy()], (message) => log.info(message));
