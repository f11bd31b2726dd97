import { createDb } from '@df/db';
import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import { createLogger } from '@df/telemetry';
import { loadIngressSettings } from './config.ts';
import { startIngress } from './server.ts';

/** The ingress as its own process (per-service deployment). Settings are checked before anything starts. */
const { config, infrastructure } = loadOrExit('ingress', () => loadIngressSettings(process.env));
const log = createLogger({ service: 'ingress' }, { level: infrastructure.logLevel });
const db = createDb(infrastructure.databaseUrl);
const ingress = await startIngress(config, {
  kafkaBrokers: infrastructure.kafkaBrokers,
  schemaRegistryUrl: infrastructure.schemaRegistryUrl,
  db,
  log,
});
stopOnSignals([ingress.close, () => db.destroy()], (message) => log.info(message));
