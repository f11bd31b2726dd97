import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hostPort, type StackConfig } from './config.ts';
import { DEPENDENCY_PLUGIN, findJava, maven } from './java.ts';
import { ensureDir, runningPid, StackError, startDetached } from './processes.ts';

export function registryPaths(config: StackConfig) {
  const state = join(config.stateDir, 'registry');
  return {
    app: join(config.cacheDir, `apicurio-registry-${config.registryVersion}`),
    state,
    logFile: join(state, 'registry.log'),
    pidFile: join(state, 'registry.pid'),
  };
}

/** Apicurio publishes its runnable Quarkus app to Maven Central as the `tar.gz:all` attachment. */
export function provisionRegistry(config: StackConfig): boolean {
  const { app } = registryPaths(config);
  if (existsSync(join(app, 'quarkus-run.jar'))) return false;
  const partial = `${app}.partial`;
  rmSync(partial, { recursive: true, force: true });
  ensureDir(partial);
  const version = config.registryVersion;
  maven([
    `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
    `-DoutputDirectory=${partial}`,
  ]);
  const archive = join(partial, `apicurio-registry-app-${version}-all.tar.gz`);
  execFileSync('tar', ['-xzf', archive, '-C', partial]);
  rmSync(archive);
  // 3.1 and 3.2 wrap the app in quarkus-app/; 3.3.1+ put it at the root.
  if (!existsSync(join(partial, 'quarkus-run.jar')) && existsSync(join(partial, 'quarkus-app'))) {
    renameSync(join(partial, 'quarkus-app'), `${partial}.inner`);
    rmSync(partial, { recursive: true });
    renameSync(`${partial}.inner`, partial);
  }
  if (!existsSync(join(partial, 'quarkus-run.jar'))) throw new StackError(`unexpected layout in ${archive}`);
  rmSync(app, { recursive: true, force: true });
  renameSync(partial, app);
  return true;
}

/**
 * The registry keeps its schemas in Postgres (a database next to the project's), not in memory:
 * Kafka's data outlives a restart, and records on disk must still decode with the ids they were written with.
 */
export function registryDatabaseUrl(config: StackConfig): string {
  const url = new URL(config.databaseUrl);
  url.pathname = `/${url.pathname.slice(1) || 'df_middleware'}_registry`;
  return url.toString();
}

export function startRegistry(config: StackConfig): number {
  const paths = registryPaths(config);
  const existing = runningPid(paths.pidFile);
  if (existing !== undefined) return existing;
  const java = findJava(21, 'REGISTRY_JAVA_HOME');
  provisionRegistry(config);
  ensureDir(paths.state);
  const { host, port } = hostPort(config.schemaRegistryUrl);
  const db = new URL(registryDatabaseUrl(config));
  return startDetached(
    java,
    [
      '-Xms128m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.util.logging.manager=org.jboss.logmanager.LogManager',
      `-Dquarkus.http.host=${host}`,
      `-Dquarkus.http.port=${port}`,
      `-Dquarkus.management.host=${host}`,
      `-Dquarkus.management.port=${port + 1}`,
      '-Dquarkus.http.access-log.enabled=false',
      '-Dapicurio.storage.sql.kind=postgresql',
      `-Dapicurio.datasource.url=jdbc:postgresql://${db.hostname}:${db.port || 5432}${db.pathname}`,
      `-Dapicurio.datasource.username=${decodeURIComponent(db.username) || 'postgres'}`,
      // Apicurio refuses an empty password even where the server trusts local connections.
      `-Dapicurio.datasource.password=${decodeURIComponent(db.password) || 'unused'}`,
      // Apicurio's defaults (20 connections held, up to 100) would take a local server's whole budget.
      '-Dapicurio.datasource.jdbc.initial-size=2',
      '-Dapicurio.datasource.jdbc.min-size=2',
      '-Dapicurio.datasource.jdbc.max-size=10',
      '-Dapicurio.rest.deletion.artifact.enabled=true',
      '-Dapicurio.rest.deletion.artifact-version.enabled=true',
      '-Dapicurio.rest.deletion.group.enabled=true',
      '-jar',
      join(paths.app, 'quarkus-run.jar'),
    ],
    { logFile: paths.logFile, pidFile: paths.pidFile, cwd: paths.state },
  );
}
