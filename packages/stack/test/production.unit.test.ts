import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('npm run stack -- up in production mode', () => {
  it('refuses to start a local Kafka and registry, before looking at any server', () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'up'], {
      env: { PATH: process.env.PATH, DF_MODE: 'production', STACK_STATE_DIR: '/nonexistent/df-stack' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'stack: refusing to start a local Kafka and registry with DF_MODE=production',
    );
    expect(run.stdout).toBe('');
  });
});
