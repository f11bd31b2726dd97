import { z } from 'zod';
import { brokers, oneOf, requiredUrl, text } from './settings.ts';

/** The servers and naming every service shares (documented in .env.example). */
export const infrastructureEnv = {
  KAFKA_BROKERS: brokers(['127.0.0.1:9092']),
  SCHEMA_REGISTRY_URL: requiredUrl('http://127.0.0.1:8081/apis/ccompat/v7'),
  // The value is never repeated in an error: it may carry the database password.
  DATABASE_URL: requiredUrl('postgres://postgres@127.0.0.1:5432/df_middleware', {
    protocols: ['postgres:', 'postgresql:'],
    secret: true,
  }),
  TOPIC_PREFIX: text(''),
  LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'], 'info'),
};

const infrastructureSchema = z.object(infrastructureEnv);

export interface InfrastructureEnv {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
  /** Prepended to every topic and consumer group (several environments on one cluster). */
  topicPrefix: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** The infrastructure part of a service's parsed environment, under the names the code uses. */
export function toInfrastructure(parsed: z.output<typeof infrastructureSchema>): InfrastructureEnv {
  return {
    kafkaBrokers: parsed.KAFKA_BROKERS,
    schemaRegistryUrl: parsed.SCHEMA_REGISTRY_URL,
    databaseUrl: parsed.DATABASE_URL,
    topicPrefix: parsed.TOPIC_PREFIX,
    logLevel: parsed.LOG_LEVEL,
  };
}
