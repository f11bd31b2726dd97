import { createDb, migrateToLatest } from '@df/db';
import { loadOrExit } from '@df/env';
import { stopOnSignals } from '@df/kafka';
import { StackError, stackConfig, stackUp } from '@df/stack';
import { createLogger } from '@df/telemetry';
import { loadTracingSettings, startTracing } from '@df/tracing';
import { loadSystemConfig } from './config.ts';
import { startSystem } from './system.ts';

/**
 * `npm start`: the local stack (Kafka, registry, Postgres), migrations, then every service in this process,
 * with the simulators standing in for the tools when no credentials are configured.
 */
// Settings are checked before anything starts (the stack included).
const config = loadOrExit('df-middleware', () => loadSystemConfig(process.env));
const log = createLogger({ service: 'df-middleware' }, { level: config.infrastructure.logLevel });
// Traces of every service in the process, when OTEL_EXPORTER_OTLP_ENDPOINT is set (checked with the config).
const tracing = startTracing('df-middleware', loadTracingSettings(process.env));
// The stack's own settings (cache and state directories, JDKs) are read by the stack command.
const stack = stackConfig(process.env);
if (config.mode === 'local') {
  try {
    for (const server of await stackUp(stack)) {
      console.log(`${server.name.padEnd(9)} ${server.state.padEnd(9)} ${server.address}`);
    }
  } catch (error) {
    if (!(error instanceof StackError)) throw error;
    console.error(`stack: ${error.message}`);
    process.exit(1);
  }
} else {
  // Production: the configured servers or nothing; a local Kafka or registry is never started.
  console.log(`production mode: Kafka ${config.infrastructure.kafkaBrokers.join(',')}, no local stack`);
}
// Every service of the process shares this pool; sized for their concurrency (see each service's options).
const db = createDb(config.infrastructure.databaseUrl, { max: 25 });
const { results = [] } = await migrateToLatest(db);
for (const r of results) console.log(`migration ${r.migrationName}: ${r.status}`);

const system = await startSystem({
  config,
  kafkaBrokers: config.infrastructure.kafkaBrokers,
  schemaRegistryUrl: config.infrastructure.schemaRegistryUrl,
  db,
  log,
  simulators: { ports: { ghl: 4010, aloware: 4020, texting: 4030 } },
  // Locally, the simulated GHL is called as the installed app by messaging-relay: texts flow end to end.
  relayAsSimulatedApp: true,
});

console.log(`
ingress    ${system.ingressUrl}   (webhooks: /webhooks/aloware, /webhooks/ghl, /webhooks/ghl/provider, /webhooks/texting)
operator   Authorization: Bearer ${config.ingress.operatorToken ? '<OPERATOR_TOKEN>' : system.operatorToken}   (/sync/contacts, /sync/lists, /commands, /metrics)
console    ${system.consoleUrl}   (sign in with the operator token; read API under /api/v1)`);
if (system.simulators) {
  const { ghl, aloware, texting } = system.simulators;
  console.log(`
*** SIMULATORS, NOT THE REAL TOOLS: no GHL or Aloware credentials are set, so nothing leaves this machine. ***
*** Set GHL_API_KEY, GHL_LOCATION_ID and ALOWARE_API_TOKEN for the real tools; DF_MODE=production refuses  ***
*** to start without them.                                                                                 ***
simulators:
  GHL       ${ghl.url}   location ${ghl.locationId}, token ${ghl.pitToken}
  Aloware   ${aloware.url}   api_token ${aloware.apiToken}   (drive it: POST ${aloware.url}/__sim/contacts)
  texting   ${texting.url}   api key ${texting.apiKey}`);
}
console.log('ready; Ctrl-C stops the services (the stack keeps running: npm run stack -- down)');
stopOnSignals([system.close, () => db.destroy(), tracing.shutdown], (message) => log.info(message));
