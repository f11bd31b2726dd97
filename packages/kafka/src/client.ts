import { Kafka, type LogEntry, logLevel } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Connection attempts before an operation fails; readiness probes want 0. */
  retries?: number;
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
  });
}

export type { Kafka } from 'kafkajs';
