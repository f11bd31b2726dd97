import { createDb } from '@df/db';
import { stopOnSignals } from '@df/kafka';
import { createLogger } from '@df/telemetry';
import { ingressConfig } from './config.ts';
import { startIngress } from './server.ts';

/** The ingress as its own process (per-service deployment). */
const log = createLogger({ service: 'ingress' });
const db = createDb(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/df_middleware');
const ingress = await startIngress(ingressConfig(), {
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  db,
  log,
});
stopOnSignals([ingress.close, () => db.destroy()], (message) => log.info(message));
