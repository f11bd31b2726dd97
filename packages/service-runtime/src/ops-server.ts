import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, MetricsRegistry } from '@df/telemetry';

/** Each check answers whether one dependency answers right now (bounded in time by the check itself). */
export type ReadinessChecks = Record<string, () => Promise<boolean>>;

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Bearer of /metrics. */
  metricsToken: string;
  /** Served together on /metrics. */
  registries: MetricsRegistry[];
  readiness: ReadinessChecks;
  /** Whether the checks' results mean ready (default: every check passed). */
  isReady?: (checks: Record<string, boolean>) => boolean;
  log: Logger;
}

export interface RunningOpsServer {
  url: string;
  close(): Promise<void>;
}

/** Constant time, and hashed first so neither the content nor the length of the token leaks through timing. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined || token.length === 0) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

/** Runs every readiness check at once; a check that throws counts as not ready. */
export async function checkReadiness(checks: ReadinessChecks): Promise<Record<string, boolean>> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => checks[name]!().catch(() => false)));
  return Object.fromEntries(names.map((name, i) => [name, results[i]!]));
}

function reply(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * The endpoints orchestrators and Prometheus need from every service, on a port of its own: `/healthz` (the
 * process answers), `/readyz` (its servers answer; 503 otherwise) and `/metrics` (bearer token). Liveness and
 * readiness carry no data and stay open for probes.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<RunningOpsServer> {
  const { log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    if (req.method !== 'GET') return reply(res, 405, { error: 'method_not_allowed' });
    if (path === '/healthz') return reply(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const checks = await checkReadiness(options.readiness);
      const ready = options.isReady ? options.isReady(checks) : Object.values(checks).every(Boolean);
      return reply(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
    }
    if (path === '/metrics') {
      if (!bearerMatches(req.headers.authorization, options.metricsToken)) {
        log.warn('metrics request refused', { reason: 'bad_credentials' });
        return reply(res, 401, { error: 'unauthorized' });
      }
      const merged = MetricsRegistry.merge(options.registries);
      return reply(res, 200, await merged.metrics(), merged.contentType);
    }
    return reply(res, 404, { error: 'not_found' });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('ops endpoint failed', { error });
      if (!res.headersSent) reply(res, 500, { error: 'internal' });
      else res.end();
    });
  });
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host}:${port}`;
  log.info('health and metrics listening', { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
