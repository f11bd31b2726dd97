import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where the local stack keeps things, and where the servers listen. One env contract for every way of running. */
export interface StackConfig {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
  databaseUrl: string;
  /** Downloads (Kafka jars, the Apicurio archive): outside git, shared by every clone on this machine. */
  cacheDir: string;
  /** Runtime state of the servers this clone started: data, logs, pid files. */
  stateDir: string;
  kafkaVersion: string;
  registryVersion: string;
  /** `DF_MODE=production`: `stack up` refuses, production runs against the platform's servers. */
  production: boolean;
}

export const repoRoot = resolve(import.meta.dirname, '../../..');

export function stackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/df_middleware',
    cacheDir: env.STACK_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'df-middleware'),
    stateDir: env.STACK_STATE_DIR ?? join(repoRoot, '.stack'),
    kafkaVersion: '4.1.2',
    registryVersion: '3.3.3',
    production: env.DF_MODE === 'production',
  };
}

/** host:port of a URL or of a broker address. */
export function hostPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}
