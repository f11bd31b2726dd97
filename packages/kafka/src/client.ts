import { Kafka, type LogEntry, logLevel, type SASLOptions } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Connection attempts before an operation fails; readiness probes want 0. */
  retries?: number;
  /** TLS to the brokers (a managed cluster); the system's CA store verifies them. */
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

// kafkajs logs connection errors at ERROR even when it recovers on its own; our own logs say what matters.
function quietLogger() {
  return ({ level, log }: LogEntry) => {
    if (level <= logLevel.ERROR && process.env.KAFKAJS_LOG === 'debug') console.error(JSON.stringify(log));
  };
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.ERROR,
    logCreator: quietLogger,
    retry: { initialRetryTime: 100, retries: settings.retries ?? 8 },
    connectionTimeout: 3000,
    ...(settings.ssl ? { ssl: true } : {}),
    // One object per mechanism in kafkajs's types; ours is the same shape with the mechanism as a union.
    ...(settings.sasl ? { sasl: settings.sasl as SASLOptions } : {}),
  });
}

export type { Kafka } from 'kafkajs';
