import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { testStack, uniqueName, waitFor } from '@df/test-kit';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * A fresh deployment on the test stack, as one sees it: a database nobody created (named `df_<name>-…`), topics
 * under a unique `<name>-….` prefix, and the environment every one of its processes reads.
 */
export function freshDeployment(name: string, metricsToken: string) {
  const prefix = `${uniqueName(name)}.`;
  const url = new URL(testStack().databaseUrl);
  url.pathname = `/${uniqueName(`df_${name}`).replaceAll('-', '_')}`;
  const databaseUrl = url.toString();
  return {
    prefix,
    databaseUrl,
    env: () => ({
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
      DATABASE_URL: databaseUrl,
      TOPIC_PREFIX: prefix,
      METRICS_TOKEN: metricsToken,
      OPS_PORT: '0',
    }),
  };
}

export interface ServiceProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** The URL of the health and metrics endpoints, once the process says it listens. */
  opsUrl(): Promise<string>;
  /** SIGTERM, then the exit code once it exited. */
  stop(): Promise<number | null>;
}

/** Runs `node <args>` from the repository root with exactly `env` (plus PATH): a service as it is deployed. */
export function startProcess(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    opsUrl: () =>
      waitFor(
        `${args.join(' ')} to serve its health endpoints (output so far: ${output.slice(-2000)})`,
        () => {
          if (child.exitCode !== null)
            throw new Error(`exited with ${child.exitCode}: ${output.slice(-2000)}`);
          for (const line of output.split('\n')) {
            if (!line.startsWith('{')) continue;
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'health and metrics listening' && entry.url) return entry.url;
          }
          return undefined;
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      ),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** GET `path`; the status and the body as text. */
export async function get(url: string, token?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: await response.text() };
}
