import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { dropDatabase } from '@df/db';
import { waitFor } from '@df/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDeployment, get, REPO_ROOT, type ServiceProcess, startProcess } from './service-process.ts';

const dist = join(REPO_ROOT, 'dist');
const { prefix, databaseUrl, env } = freshDeployment('built', 'built-token');

/** The packages the root and every workspace list as dependencies (not devDependencies). */
function productionDependencies(): Set<string> {
  const names = new Set<string>();
  for (const dir of ['packages', 'services']) {
    for (const name of readdirSync(join(REPO_ROOT, dir))) {
      try {
        const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, name, 'package.json'), 'utf8'));
        for (const dep of Object.keys(manifest.dependencies ?? {})) names.add(dep);
      } catch {}
    }
  }
  return names;
}

let service: ServiceProcess | undefined;
beforeAll(() => {
  const run = spawnSync(process.execPath, ['deploy/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
afterAll(async () => {
  await service?.stop();
  await dropDatabase(databaseUrl);
});

describe('npm run build', () => {
  it('bundles each service so it imports only production dependencies and Node built-ins', () => {
    const allowed = productionDependencies();
    const bundles = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(bundles.sort()).toEqual(
      [
        'audit',
        'backfill',
        'backfill-cli',
        'call-sync',
        'console',
        'contact-sync',
        'dlq',
        'ingress',
        'list-sync',
        'lists',
        'messaging-relay',
        'migrate',
        'parked',
        'provision',
        'reconcile',
        'replay',
        'replay-cli',
        'spool',
      ]
        .map((n) => `${n}.js`)
        .sort(),
    );
    for (const bundle of bundles) {
      const code = readFileSync(join(dist, bundle), 'utf8');
      const imported = [...code.matchAll(/^import .*? from "([^"]+)";$|^import "([^"]+)";$/gm)].map(
        (m) => (m[1] ?? m[2])!,
      );
      for (const spec of imported) {
        const name = spec
          .split('/')
          .slice(0, spec.startsWith('@') ? 2 : 1)
          .join('/');
        const ok = spec.startsWith('node:') || builtinModules.includes(name) || allowed.has(name);
        expect(ok, `${bundle} imports ${spec}`).toBe(true);
      }
      expect(code).not.toMatch(/from "(tsx|vitest|typescript|@df\/[^"]+)"/);
    }
  });

  it('a built service runs on plain node after the built provisioning: /healthz, /readyz, /metrics', async () => {
    const provision = startProcess(['dist/provision.js'], env());
    await waitFor('provisioning', () => provision.child.exitCode !== null, { timeoutMs: 90_000 });
    expect(provision.child.exitCode, provision.output()).toBe(0);

    service = startProcess(['dist/audit.js'], env());
    const url = await service.opsUrl();
    expect((await get(`${url}/healthz`)).status).toBe(200);
    await waitFor('ready', async () => (await get(`${url}/readyz`)).status === 200);
    const metrics = await waitFor('the group', async () => {
      const r = await get(`${url}/metrics`, 'built-token');
      return r.body.includes(`df_consumer_lag{group="${prefix}audit"`) && r.body;
    });
    expect(metrics).toContain(`df_parked_keys{group="${prefix}audit"} 0`);
    expect(await service.stop()).toBe(0);
  });
});
