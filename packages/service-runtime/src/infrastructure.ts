import type { Database } from '@df/db';
import { createDb } from '@df/db';
import { createKafka, type Kafka, SchemaCodec } from '@df/kafka';
import type { Logger } from '@df/telemetry';
import type { Kysely } from 'kysely';
import type { ClusterCredentials } from './ops-settings.ts';
import { topicSchemas } from './topic-schemas.ts';

/** What every service is wired to: the same three servers, one naming of topics. */
export interface Infrastructure {
  kafka: Kafka;
  kafkaBrokers: string[];
  codec: SchemaCodec;
  db: Kysely<Database>;
  /** Prepended to every topic and consumer group name (test isolation, shared clusters). */
  topicPrefix: string;
  /** The registry id of a topic's value schema, registered on first use. */
  schemaIdFor: (topic: string) => Promise<number>;
  log: Logger;
}

export interface InfrastructureSettings {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl?: string;
  db?: Kysely<Database>;
  topicPrefix?: string;
  clientId: string;
  log: Logger;
  /** TLS/SASL for Kafka and basic auth for the registry (`loadOpsSettings`); none locally. */
  credentials?: ClusterCredentials;
}

export function connectInfrastructure(settings: InfrastructureSettings): Infrastructure {
  const codec = new SchemaCodec(settings.schemaRegistryUrl, settings.credentials?.registry);
  const topicPrefix = settings.topicPrefix ?? '';
  const db =
    settings.db ?? createDb(settings.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/df_middleware');
  return {
    kafka: createKafka({
      brokers: settings.kafkaBrokers,
      clientId: settings.clientId,
      ...settings.credentials?.kafka,
    }),
    kafkaBrokers: settings.kafkaBrokers,
    codec,
    db,
    topicPrefix,
    schemaIdFor: topicSchemas(codec, topicPrefix),
    log: settings.log,
  };
}

/** The settings every service reads from the environment (see .env.example). */
export function infrastructureFromEnv(clientId: string, log: Logger, env: NodeJS.ProcessEnv = process.env) {
  return connectInfrastructure({
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    databaseUrl: env.DATABASE_URL,
    topicPrefix: env.TOPIC_PREFIX ?? '',
    clientId,
    log,
  });
}
