import { createDb } from '@df/db';
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
import { loadIngressSettings } from './config.ts';
import { startGhlAppLifecycle } from './ghl-app/lifecycle.ts';
import { startIngress } from './server.ts';

/**
 * The ingress as its own process (per-service deployment): webhooks on INGRESS_PORT, health and metrics also on
 * OPS_PORT (9100) like every service. Settings are checked before anything starts.
 */
const { service, ops } = loadOrExit('ingress', () =>
  loadSettings({
    service: () => loadIngressSettings(process.env),
    ops: () => loadOpsSettings(process.env, OPS_PORTS.ingress),
  }),
);
const { config, infrastructure } = service;
const log = createLogger({ service: 'ingress' }, { level: infrastructure.logLevel });
const db = createDb(infrastructure.databaseUrl);
const metrics = createServiceMetrics(undefined, { processMetrics: true });
const infra = connectInfrastructure({
  ...infrastructure,
  db,
  clientId: 'ingress-ghl-app',
  log,
  credentials: ops.credentials,
});
const ingress = await startIngress(config, {
  kafkaBrokers: infrastructure.kafkaBrokers,
  schemaRegistryUrl: infrastructure.schemaRegistryUrl,
  db,
  log,
  credentials: ops.credentials,
});
// Ready as the ingress's own /readyz: a delivery can be made durable, published or else spooled in Postgres.
const server = await serveOps('ingress', ops, infra, [ingress.metrics.registry, metrics.registry], (checks) =>
  Boolean((checks.kafka && checks.registry) || checks.postgres),
);
// With the OAuth app, this process also acts on its uninstalls (the `ghl-app` consumer of ghl.events.v1).
const lifecycle = config.ghlApp ? await startGhlAppLifecycle(infra, config.ghlApp, { metrics }) : undefined;
stopOnSignals([async () => lifecycle?.stop(), ingress.close, server.close, () => db.destroy()], (message) =>
  log.info(message),
);
