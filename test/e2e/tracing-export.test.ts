import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dropDatabase } from '@df/db';
import { waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDeployment, type ServiceProcess, startProcess } from './service-process.ts';

// The ingress deployed alone, exporting to a stand-in OTLP/HTTP collector: what a deployment's settings do.
const deployment = freshDeployment('traced', 'metrics-token-for-the-test');
const { databaseUrl } = deployment;
const env = () => ({
  ...deployment.env(),
  INGRESS_PORT: '0',
  LOG_LEVEL: 'info',
});

interface Export {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
const exports: Export[] = [];
let collector: Server;
let collectorUrl: string;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      exports.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const provision = startProcess(['--import', 'tsx', 'packages/service-runtime/src/provision-cli.ts'], env());
  running.push(provision);
  await waitFor('provisioning to finish', () => provision.child.exitCode !== null, { timeoutMs: 90_000 });
  expect(provision.child.exitCode).toBe(0);
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  collector.close();
  await dropDatabase(databaseUrl);
});

const ingressUrl = (proc: ServiceProcess) =>
  waitFor('the ingress to listen', () => {
    for (const line of proc.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'ingress listening' && entry.url) return entry.url;
    }
    return undefined;
  });

describe('trace export settings (OTEL_*)', () => {
  it('a service alone exports its spans over OTLP/HTTP with the configured headers, flushed when it stops', async () => {
    const proc = startProcess(['--import', 'tsx', 'services/ingress/src/main.ts'], {
      ...env(),
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-key',
    });
    running.push(proc);
    await proc.opsUrl();
    const url = await ingressUrl(proc);
    // Refused (no credentials), and still a webhook span: its status tells the refusal.
    const response = await fetch(`${url}/webhooks/aloware`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'Contact Updated', body: { phone_number: '+12025550199' } }),
    });
    expect(response.status).toBe(401);
    expect(await proc.stop()).toBe(0);

    const sent = exports.find((e) => e.body.includes('POST /webhooks/aloware'));
    expect(sent, 'spans exported before the process ended').toBeDefined();
    expect(sent!.path).toBe('/v1/traces');
    expect(sent!.headers.authorization).toBe('Bearer collector-key');
    const body = JSON.parse(sent!.body) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
        scopeSpans: Array<{ spans: Array<{ name: string; attributes: unknown[] }> }>;
      }>;
    };
    const [resource] = body.resourceSpans;
    expect(resource!.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'ingress' },
    });
    const names = resource!.scopeSpans.flatMap((s) => s.spans.map((span) => span.name));
    expect(names).toContain('POST /webhooks/aloware');
    expect(sent!.body).not.toContain('2025550199');
  });

  it('a malformed setting refuses the start, naming it', async () => {
    const proc = startProcess(['--import', 'tsx', 'services/ingress/src/main.ts'], {
      ...env(),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    running.push(proc);
    await waitFor('the process to refuse', () => proc.child.exitCode !== null, { timeoutMs: 60_000 });
    expect(proc.child.exitCode).toBe(1);
    expect(proc.output()).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: expected a http:// or https:// URL');
  });
});
