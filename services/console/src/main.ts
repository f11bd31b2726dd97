import { createDb } from '@df/db';
import { loadOrExit } from '@df/env';
import { EventProducer, stopOnSignals } from '@df/kafka';
import { connectInfrastructure, loadOpsSettings, loadSettings } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadConsoleSettings } from './config.ts';
import { startConsole } from './server.ts';

/**
 * The console on its own (CONSOLE_PORT, 4040), next to a deployment's services: it reads Kafka and Postgres and
 * asks the services' /healthz (CONSOLE_SERVICES). GHL budgets are known only inside the processes calling GHL:
 * run alone, it points at their /metrics (ghl_daily_budget_*) instead.
 */
const { service, ops } = loadOrExit('console', () =>
  loadSettings({
    service: () => loadConsoleSettings(process.env),
    ops: () => loadOpsSettings(process.env, 0, { requireMetricsToken: false }),
  }),
);
const { config, infrastructure } = service;
const log = createLogger({ service: 'console' }, { level: infrastructure.logLevel });
const infra = connectInfrastructure({
  ...infrastructure,
  db: createDb(infrastructure.databaseUrl),
  clientId: 'console',
  log,
  credentials: ops.credentials,
});
const producer = new EventProducer(infra.kafka, infra.codec);
await producer.connect();
const running = await startConsole(config, {
  ...infra,
  producer,
  tenant: process.env.GHL_LOCATION_ID ?? 'operator',
});
stopOnSignals([() => running.close(), () => producer.disconnect(), () => infra.db.destroy()], (message) =>
  log.info(message),
);
