import { ensureDatabase } from '@df/db';
import { isKafkaReachable, SchemaCodec } from '@df/kafka';
import { hostPort, type StackConfig } from './config.ts';
import { kafkaPaths, startKafka } from './kafka-node.ts';
import { isAlive, isPortOpen, runningPid, StackError, stopProcess, waitUntil } from './processes.ts';
import { registryDatabaseUrl, registryPaths, startRegistry } from './registry-node.ts';

export type ServerState = 'started' | 'running' | 'external' | 'stopped';
export interface ServerStatus {
  name: 'kafka' | 'registry' | 'postgres';
  address: string;
  state: ServerState;
  pid?: number;
  readyMs?: number;
}

const kafkaReachable = (config: StackConfig) => isKafkaReachable(config.kafkaBrokers);
const registryReachable = (config: StackConfig) => new SchemaCodec(config.schemaRegistryUrl).isReachable();

async function postgresUp(config: StackConfig): Promise<ServerStatus> {
  const { host, port } = hostPort(config.databaseUrl);
  if (!(await isPortOpen(host, port || 5432))) {
    throw new StackError(
      `PostgreSQL is not reachable at ${host}:${port || 5432}: start it or set DATABASE_URL`,
    );
  }
  await ensureDatabase(config.databaseUrl);
  await ensureDatabase(registryDatabaseUrl(config));
  return { name: 'postgres', address: `${host}:${port || 5432}`, state: 'external' };
}

/**
 * Brings one server up: reuse it when it already answers (started earlier, or run by someone else),
 * refuse when its port is held by something that is not it, otherwise start it and wait until it answers.
 */
async function serverUp(
  name: 'kafka' | 'registry',
  address: string,
  reachable: () => Promise<boolean>,
  start: () => number,
  paths: { pidFile: string; logFile: string },
): Promise<ServerStatus> {
  const ours = runningPid(paths.pidFile);
  if (await reachable()) return { name, address, state: ours ? 'running' : 'external', pid: ours };
  const { host, port } = hostPort(address);
  if (ours === undefined && (await isPortOpen(host, port))) {
    throw new StackError(
      `port ${port} is taken by another program: stop it, or point the ${name} address setting at a running server`,
    );
  }
  const began = performance.now();
  const pid = start();
  await waitUntil(name, reachable, {
    timeoutMs: 180_000,
    stillRunning: () => isAlive(pid),
    logFile: paths.logFile,
  });
  return { name, address, state: 'started', pid, readyMs: Math.round(performance.now() - began) };
}

/** `stack up`: Postgres must be there; Kafka and the registry are started in parallel when not already up. */
export async function stackUp(config: StackConfig): Promise<ServerStatus[]> {
  const postgres = await postgresUp(config);
  const [kafka, registry] = await Promise.all([
    serverUp(
      'kafka',
      config.kafkaBrokers[0] ?? '',
      () => kafkaReachable(config),
      () => startKafka(config),
      kafkaPaths(config),
    ),
    serverUp(
      'registry',
      config.schemaRegistryUrl,
      () => registryReachable(config),
      () => startRegistry(config),
      registryPaths(config),
    ),
  ]);
  return [kafka, registry, postgres];
}

/** `stack down`: stops only the servers this clone's `up` started (by their pid files). */
export async function stackDown(config: StackConfig): Promise<string[]> {
  const stopped: string[] = [];
  if (await stopProcess(registryPaths(config).pidFile)) stopped.push('registry');
  if (await stopProcess(kafkaPaths(config).pidFile)) stopped.push('kafka');
  return stopped;
}

export async function stackStatus(config: StackConfig): Promise<ServerStatus[]> {
  const state = (up: boolean, pid: number | undefined): ServerState =>
    up ? (pid ? 'running' : 'external') : 'stopped';
  const kafkaPid = runningPid(kafkaPaths(config).pidFile);
  const registryPid = runningPid(registryPaths(config).pidFile);
  const { host, port } = hostPort(config.databaseUrl);
  const [kafkaUp, registryUp, postgresUp] = await Promise.all([
    kafkaReachable(config),
    registryReachable(config),
    isPortOpen(host, port || 5432),
  ]);
  return [
    { name: 'kafka', address: config.kafkaBrokers.join(','), state: state(kafkaUp, kafkaPid), pid: kafkaPid },
    {
      name: 'registry',
      address: config.schemaRegistryUrl,
      state: state(registryUp, registryPid),
      pid: registryPid,
    },
    { name: 'postgres', address: `${host}:${port || 5432}`, state: postgresUp ? 'external' : 'stopped' },
  ];
}
