import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPS_PORTS, type RunningOpsServer, startOpsServer } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ENTRY_POINTS } from '../../deploy/entry-points.mjs';
import { get, REPO_ROOT } from './service-process.ts';

const SERVICES = Object.keys(OPS_PORTS) as Array<keyof typeof OPS_PORTS>;
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

// The paths every service's ops server answers, asked of a real one (no dependency: ready with no checks).
let ops: RunningOpsServer;
beforeAll(async () => {
  ops = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    metricsToken: 't',
    registries: [],
    readiness: {},
    log: createLogger({ service: 'test' }, { level: 'error' }),
  });
});
afterAll(() => ops.close());
const served = async (path: string) => (await get(`${ops.url}${path}`)).status === 200;

/** `name=http://host:port,…` (the console's CONSOLE_SERVICES). */
const consoleTargets = (value: string) =>
  value.split(',').map((entry) => {
    const [name, url] = entry.split('=') as [keyof typeof OPS_PORTS, string];
    const { hostname, port } = new URL(url);
    return { name, host: hostname, port: Number(port) };
  });

describe('deployment files', () => {
  it('every entry point the image can run is built from a source file that exists', () => {
    for (const [name, source] of Object.entries(ENTRY_POINTS)) {
      expect(existsSync(join(REPO_ROOT, source)), `${name}: ${source}`).toBe(true);
    }
    expect(Object.keys(ENTRY_POINTS)).toEqual(expect.arrayContaining([...SERVICES, 'provision']));
  });

  it('the Dockerfile builds in one stage and runs the bundles as non-root from production dependencies', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci .*&& npm run build/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "deploy/service.mjs"]');
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.scripts.build).toBe('node deploy/build.mjs');
    for (const port of [3000, ...Object.values(OPS_PORTS)])
      expect(dockerfile).toMatch(new RegExp(`EXPOSE .*\\b${port}\\b`));
  });

  it('docker-compose runs the infrastructure, provisioning and every service with health checks on their ports', async () => {
    const compose = parse(read('docker-compose.yml'), { merge: true });
    const kafka = compose.services.kafka;
    expect(kafka.environment.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
    expect(kafka.volumes).toContain('kafka-data:/var/lib/kafka/data');
    for (const infra of ['kafka', 'registry', 'postgres'])
      expect(compose.services[infra].healthcheck).toBeDefined();
    expect(compose.services.provision.command).toEqual(['provision']);

    for (const name of SERVICES) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service.command).toEqual([name]);
      expect(service.depends_on.provision.condition).toBe('service_completed_successfully');
      expect(service.environment.OPS_PORT).toBe(OPS_PORTS[name]);
      const probe = /fetch\('http:\/\/127\.0\.0\.1:(\d+)(\/\w+)'\)/.exec(service.healthcheck.test.join(' '));
      expect(probe, name).not.toBeNull();
      expect(Number(probe![1])).toBe(OPS_PORTS[name]);
      expect(await served(probe![2]!), `${name} probes ${probe![2]}`).toBe(true);
    }
    expect(compose.services.ingress.environment.INGRESS_PORT).toBe(3000);

    // The console asks every service's /healthz at a compose host and its ops port.
    const consoleService = compose.services.console;
    expect(consoleService.command).toEqual(['console']);
    expect(consoleService.healthcheck.test.join(' ')).toContain(
      `:${consoleService.environment.CONSOLE_PORT}/healthz`,
    );
    expect(consoleTargets(consoleService.environment.CONSOLE_SERVICES)).toEqual(
      SERVICES.map((name) => ({ name, host: name, port: OPS_PORTS[name] })),
    );
  });

  it('Kubernetes: a Deployment per service with probes on its ops port, resources and a grace period, and a provisioning Job', async () => {
    const dir = join(REPO_ROOT, 'deploy/k8s');
    const docs = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()));
    const config = docs.find((d) => d.kind === 'ConfigMap');
    expect(config.data.DF_MODE).toBe('production');

    const job = docs.find((d) => d.kind === 'Job');
    expect(job.spec.template.spec.containers[0].args).toEqual(['provision']);

    for (const name of SERVICES) {
      const deployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name);
      expect(deployment, name).toBeDefined();
      const pod = deployment.spec.template.spec;
      // stopOnSignals drains for up to 25 s; Kubernetes must wait longer before SIGKILL.
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(25);
      const [container] = pod.containers;
      expect(container.args).toEqual([name]);
      expect(container.resources.requests.cpu).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();
      const opsPort = container.ports.find((p: { name: string }) => p.name === 'ops');
      expect(opsPort.containerPort).toBe(OPS_PORTS[name]);
      expect(container.env).toContainEqual({ name: 'OPS_PORT', value: String(OPS_PORTS[name]) });
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const { path, port } = container[probe].httpGet;
        expect(port).toBe('ops');
        expect(await served(path), `${name} ${probe} ${path}`).toBe(true);
      }
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    }
    // Each service's ops port has a Service the console's CONSOLE_SERVICES names.
    const consoleDeployment = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'console');
    const consoleEnv = consoleDeployment.spec.template.spec.containers[0].env;
    const targets = consoleTargets(
      consoleEnv.find((e: { name: string }) => e.name === 'CONSOLE_SERVICES').value,
    );
    expect(targets.map((t) => t.name)).toEqual(SERVICES);
    for (const target of targets) {
      const service = docs.find((d) => d.kind === 'Service' && d.metadata.name === target.host);
      expect(service, target.host).toBeDefined();
      expect(service.spec.selector['app.kubernetes.io/name']).toBe(target.name);
      expect(service.spec.ports[0]).toMatchObject({ port: OPS_PORTS[target.name], targetPort: 'ops' });
    }
    const ingressService = docs.find((d) => d.kind === 'Service' && d.metadata.name === 'ingress');
    const ingress = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'ingress');
    const http = ingress.spec.template.spec.containers[0].ports.find(
      (p: { name: string }) => p.name === 'http',
    );
    expect(ingressService.spec.ports[0].targetPort).toBe('http');
    expect(http.containerPort).toBe(3000);
  });
});
