import type { AddressInfo } from 'node:net';
import type { Database } from '@df/db';
import { createKafka, EventProducer, isKafkaReachable, SchemaCodec } from '@df/kafka';
import { topicSchemas } from '@df/service-runtime';
import type { Logger, MetricsRegistry } from '@df/telemetry';
import type { Kysely } from 'kysely';
import { createIngressApp } from './app.ts';
import { createGhlVerifier } from './auth/ghl-signature.ts';
import type { IngressConfig } from './config.ts';
import { DurablePublisher } from './durability/durable-publisher.ts';
import { SpoolDrainer } from './durability/spool-drainer.ts';
import { createIngressMetrics } from './metrics.ts';

export interface IngressInfrastructure {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  db: Kysely<Database>;
  log: Logger;
  /** Other registries served on the same /metrics (the services running in this process). */
  extraMetrics?: MetricsRegistry[];
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
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'ingress', retries: 2 });
  const codec = new SchemaCodec(infra.schemaRegistryUrl);
  const producer = new EventProducer(kafka, codec);
  const metrics = createIngressMetrics();
  const publisher = new DurablePublisher({
    producer,
    db,
    schemaIdFor: topicSchemas(codec, config.topicPrefix),
    publishTimeoutMs: config.publishTimeoutMs,
    metrics,
    log,
  });
  const drainer = new SpoolDrainer(db, publisher, metrics, log);
  await drainer.resumeBacklog();
  drainer.start();
  const pruning = setInterval(() => {
    publisher
      .pruneReceipts(config.receiptRetentionDays)
      .catch((error) => log.warn('receipt pruning failed', { error }));
  }, 3_600_000);
  pruning.unref();

  const app = createIngressApp({
    config,
    publisher,
    metrics,
    ghlVerifier: createGhlVerifier(config.ghl),
    extraMetrics: infra.extraMetrics ?? [],
    log,
    readiness: async () => {
      const [kafkaUp, registryUp] = await Promise.all([
        isKafkaReachable(infra.kafkaBrokers),
        codec.isReachable(),
      ]);
      return { kafka: kafkaUp, registry: registryUp };
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
      clearInterval(pruning);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await drainer.stop();
      await producer.disconnect().catch(() => {});
    },
  };
}
