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

interface ServerPlan {
  name: 'kafka' | 'registry';
  address: string;
  reachable: () => Promise<boolean>;
  start: () => number;
  paths: { pidFile: string; logFile: string };
}

/**
 * Decides for one server: reuse it when it already answers (started earlier, or run by someone else), or
 * start it; refuses when its port is held by something that is not it.
 */
async function plan(server: ServerPlan): Promise<ServerStatus | 'start'> {
  const ours = runningPid(server.paths.pidFile);
  if (await server.reachable()) {
    return { name: server.name, address: server.address, state: ours ? 'running' : 'external', pid: ours };
  }
  const { host, port } = hostPort(server.address);
  if (ours === undefined && (await isPortOpen(host, port))) {
    throw new StackError(
      `port ${port} is taken by another program: stop it, or point the ${server.name} address setting at a running server`,
    );
  }
  return 'start';
}

async function startAndWait(server: ServerPlan): Promise<ServerStatus> {
  const began = performance.now();
  const pid = server.start();
  await waitUntil(server.name, server.reachable, {
    timeoutMs: 180_000,
    stillRunning: () => isAlive(pid),
    logFile: server.paths.logFile,
  });
  return {
    name: server.name,
    address: server.address,
    state: 'started',
    pid,
    readyMs: Math.round(performance.now() - began),
  };
}

/**
 * `stack up`: Postgres must be there; Kafka and the registry are started (in parallel) unless they already
 * answer. Every port is checked before anything starts, so a conflict leaves nothing half started.
 */
export async function stackUp(config: StackConfig): Promise<ServerStatus[]> {
  const postgres = await postgresUp(config);
  const servers: ServerPlan[] = [
    {
      name: 'kafka',
      address: config.kafkaBrokers[0] ?? '',
      reachable: () => kafkaReachable(config),
      start: () => startKafka(config),
      paths: kafkaPaths(config),
    },
    {
      name: 'registry',
      address: config.schemaRegistryUrl,
      reachable: () => registryReachable(config),
      start: () => startRegistry(config),
      paths: registryPaths(config),
    },
  ];
  const plans = await Promise.all(servers.map(plan));
  const statuses = await Promise.all(
    servers.map((server, i) => {
      const planned = plans[i]!;
      return planned === 'start' ? startAndWait(server) : Promise.resolve(planned);
    }),
  );
  return [...statuses, postgres];
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
