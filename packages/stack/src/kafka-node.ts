import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { DEPENDENCY_PLUGIN, findJava, maven } from './java.ts';
import { ensureDir, runningPid, StackError, startDetached } from './processes.ts';

const assets = join(import.meta.dirname, '..', 'kafka');
/** Any 22-character base64url UUID; the fixed one of the official images saves a JVM start for `random-uuid`. */
const CLUSTER_ID = '4L6g3nShT-eMCtK--X86sw';

export function kafkaPaths(config: StackConfig) {
  const state = join(config.stateDir, 'kafka');
  return {
    libs: join(config.cacheDir, `kafka-${config.kafkaVersion}`, 'libs'),
    state,
    data: join(state, 'data'),
    properties: join(state, 'server.properties'),
    logFile: join(state, 'kafka.log'),
    pidFile: join(state, 'kafka.pid'),
  };
}

/** Collects the broker's jars from Maven Central once; later starts use the cache. */
export function provisionKafka(config: StackConfig): boolean {
  const { libs } = kafkaPaths(config);
  if (existsSync(join(libs, `kafka_2.13-${config.kafkaVersion}.jar`))) return false;
  // Download into a temporary folder and rename, so an interrupted download is never mistaken for a cache.
  const partial = `${libs}.partial`;
  rmSync(partial, { recursive: true, force: true });
  maven([
    '-f',
    join(assets, 'pom.xml'),
    `-Dkafka.version=${config.kafkaVersion}`,
    `${DEPENDENCY_PLUGIN}:copy-dependencies`,
    '-DincludeScope=runtime',
    `-DoutputDirectory=${partial}`,
  ]);
  rmSync(libs, { recursive: true, force: true });
  ensureDir(join(libs, '..'));
  renameSync(partial, libs);
  return true;
}

function jvmOptions(config: StackConfig): string[] {
  const paths = kafkaPaths(config);
  return [
    '-Xms256m',
    '-Xmx1g',
    // Fast start on a small machine: one GC thread, C1 only. Throughput benchmarks of the broker would undo these.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(assets, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${paths.state}`,
    '-cp',
    `${paths.libs}/*`,
  ];
}

/**
 * Writes the config and formats the storage the first time. A data dir without `meta.properties`
 * (a format that was interrupted) is wiped and formatted again instead of failing the start.
 */
function prepareStorage(config: StackConfig, java: string): void {
  const paths = kafkaPaths(config);
  const [broker] = config.kafkaBrokers;
  const port = Number(broker?.split(':')[1] ?? 9092);
  const properties = readFileSync(join(assets, 'server.properties.in'), 'utf8')
    .replaceAll('@DATA_DIR@', paths.data)
    .replaceAll('@CONTROLLER_PORT@', String(port + 1))
    .replaceAll('@PORT@', String(port));
  ensureDir(paths.state);
  writeFileSync(paths.properties, properties);
  if (existsSync(join(paths.data, 'meta.properties'))) {
    // Partitions of deleted topics that the broker had not removed yet: nothing reads them again, and
    // thousands of them (tests create and delete many topics) slow every start.
    for (const entry of readdirSync(paths.data)) {
      if (entry.endsWith('-delete')) rmSync(join(paths.data, entry), { recursive: true, force: true });
    }
    return;
  }
  if (existsSync(paths.data) && readdirSync(paths.data).length > 0) rmSync(paths.data, { recursive: true });
  execFileSync(
    java,
    [...jvmOptions(config), 'kafka.tools.StorageTool', 'format', '-t', CLUSTER_ID, '-c', paths.properties],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

export function startKafka(config: StackConfig): number {
  const paths = kafkaPaths(config);
  const existing = runningPid(paths.pidFile);
  if (existing !== undefined) return existing;
  const java = findJava(17, 'KAFKA_JAVA_HOME');
  provisionKafka(config);
  try {
    prepareStorage(config, java);
  } catch (error) {
    throw new StackError(`formatting Kafka storage failed: ${String(error).slice(0, 500)}`);
  }
  return startDetached(java, [...jvmOptions(config), 'kafka.Kafka', paths.properties], {
    logFile: paths.logFile,
    pidFile: paths.pidFile,
  });
}
