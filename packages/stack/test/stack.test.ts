import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackConfig, stackDown, stackStatus, stackUp } from '@df/stack';
import { testStack } from '@df/test-kit';
import { afterAll, describe, expect, it } from 'vitest';

// A second stack on ports of its own, with its own state dir, next to the one the suite runs on.
const stateDir = mkdtempSync(join(tmpdir(), 'df-stack-'));
const database = new URL(testStack().databaseUrl);
database.pathname = '/df_stack_test';
const config = stackConfig({
  ...process.env,
  KAFKA_BROKERS: '127.0.0.1:29092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:28081/apis/ccompat/v7',
  DATABASE_URL: database.toString(),
  STACK_STATE_DIR: stateDir,
});

afterAll(async () => {
  await stackDown(config);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('npm run stack', () => {
  it('recovers from a stale pid file and a half-formatted data dir, and down stops what up started', async () => {
    mkdirSync(join(stateDir, 'kafka', 'data'), { recursive: true });
    writeFileSync(join(stateDir, 'kafka', 'kafka.pid'), '999999'); // no such process
    writeFileSync(join(stateDir, 'kafka', 'data', 'leftover'), 'interrupted format');

    const up = await stackUp(config);
    expect(up.map((s) => [s.name, s.state])).toEqual([
      ['kafka', 'started'],
      ['registry', 'started'],
      ['postgres', 'external'],
    ]);
    const again = await stackUp(config);
    expect(again.map((s) => s.state)).toEqual(['running', 'running', 'external']);

    expect(await stackDown(config)).toEqual(['registry', 'kafka']);
    const after = await stackStatus(config);
    expect(after.map((s) => s.state)).toEqual(['stopped', 'stopped', 'external']);
  }, 240_000);
});

describe('npm run stack, when a port is taken', () => {
  it('says so in one line and starts nothing', async () => {
    const squatter = createServer().listen(29192, '127.0.0.1');
    await once(squatter, 'listening');
    const conflicting = stackConfig({
      ...process.env,
      KAFKA_BROKERS: '127.0.0.1:29192',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:28181/apis/ccompat/v7',
      DATABASE_URL: database.toString(),
      STACK_STATE_DIR: join(stateDir, 'conflict'),
    });
    try {
      await expect(stackUp(conflicting)).rejects.toThrow(
        'port 29192 is taken by another program: stop it, or point the kafka address setting at a running server',
      );
      expect((await stackStatus(conflicting)).find((s) => s.name === 'registry')?.state).toBe('stopped');
    } finally {
      squatter.close();
    }
  });
});
