import type { AddressInfo } from 'node:net';
import type { Database } from '@df/db';
import { createKafka, EventProducer, isKafkaReachable, SchemaCodec } from '@df/kafka';
import { type ClusterCredentials, topicSchemas } from '@df/service-runtime';
import type { Logger, MetricsRegistry } from '@df/telemetry';
import { type Kysely, sql } from 'kysely';
import { createIngressApp } from './app.ts';
import { createGhlVerifier } from './auth/ghl-signature.ts';
import type { IngressConfig } from './config.ts';
import { type AcceptStep, DurablePublisher } from './durability/durable-publisher.ts';
import { SpoolDrainer } from './durability/spool-drainer.ts';
import { SpoolGate } from './durability/spool-gate.ts';
import { createIngressMetrics } from './metrics.ts';

export interface IngressInfrastructure {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  db: Kysely<Database>;
  log: Logger;
  /** Other registries served on the same /metrics (the services running in this process). */
  extraMetrics?: MetricsRegistry[];
  /** TLS/SASL for Kafka and basic auth for the registry (a managed cluster); none locally. */
  credentials?: ClusterCredentials;
  /** Tests only: called at each step of the accept path. */
  onAcceptStep?: (step: AcceptStep) => void | Promise<void>;
}

export interface RunningIngress {
  url: string;
  publisher: DurablePublisher;
  drainer: SpoolDrainer;
  metrics: ReturnType<typeof createIngressMetrics>;
  close(): Promise<void>;
}

/** Starts the ingress HTTP server with its publisher and spool drainer; `port: 0` picks a free port. */
export async function startIngress(
  config: IngressConfig,
  infra: IngressInfrastructure,
): Promise<RunningIngress> {
  const { db, log } = infra;
  const kafka = createKafka({
    brokers: infra.kafkaBrokers,
    clientId: 'ingress',
    retries: 2,
    ...infra.credentials?.kafka,
  });
  const codec = new SchemaCodec(infra.schemaRegistryUrl, infra.credentials?.registry);
  const producer = new EventProducer(kafka, codec);
  const metrics = createIngressMetrics();
  const gate = new SpoolGate(db, log, metrics.backlogLookups);
  gate.start();
  const publisher = new DurablePublisher({
    producer,
    codec,
    topicPrefix: config.topicPrefix,
    db,
    gate,
    schemaIdFor: topicSchemas(codec, config.topicPrefix),
    publishTimeoutMs: config.publishTimeoutMs,
    maxRecordBytes: config.maxRecordBytes,
    metrics,
    log,
    onStep: infra.onAcceptStep,
  });
  const drainer = new SpoolDrainer(db, publisher, metrics, log, {
    intervalMs: 1000,
    batchSize: config.spoolBatchSize,
    batchBytes: config.spoolBatchBytes,
  });
  drainer.start();

  const app = createIngressApp({
    config,
    publisher,
    metrics,
    ghlVerifier: createGhlVerifier(config.ghl),
    db,
    extraMetrics: infra.extraMetrics ?? [],
    log,
    readiness: async () => {
      const [kafka, registry, spool] = await Promise.all([
        isKafkaReachable(infra.kafkaBrokers),
        codec.isReachable(),
        sql`select 1`.execute(db).then(
          () => true,
          () => false,
        ),
      ]);
      return { kafka, registry, spool };
    },
  });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;
  log.info('ingress listening', { url });

  return {
    url,
    publisher,
    drainer,
    metrics,
    async close() {
      // Stop taking requests, let those in flight finish, then stop draining and disconnect.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      gate.stop();
      await drainer.stop();
      await producer.disconnect().catch(() => {});
    },
  };
}
