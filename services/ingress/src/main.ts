import { createDb } from '@df/db';
import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import { connectInfrastructure } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { loadIngressSettings } from './config.ts';
import { startGhlAppLifecycle } from './ghl-app/lifecycle.ts';
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
// With the OAuth app, this process also acts on its uninstalls (the `ghl-app` consumer of ghl.events.v1).
const lifecycle = config.ghlApp
  ? await startGhlAppLifecycle(
      connectInfrastructure({ ...infrastructure, db, clientId: 'ingress-ghl-app', log }),
      config.ghlApp,
    )
  : undefined;
stopOnSignals([async () => lifecycle?.stop(), ingress.close, () => db.destroy()], (message) =>
  log.info(message),
);
