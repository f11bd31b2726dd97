import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { alowareSimOptions, checkSimulatorsEnv, ghlSimOptions, textingSimOptions } from '../src/config.ts';

function refusal(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('simulator settings', () => {
  it('default to the documented ports and generated credentials', () => {
    expect(ghlSimOptions({})).toMatchObject({ port: 4010, host: '127.0.0.1', latencyMs: 0 });
    expect(ghlSimOptions({}).signingKeys).toBeUndefined();
    expect(alowareSimOptions({})).toMatchObject({ port: 4020, webhookAuth: { type: 'none' } });
    expect(textingSimOptions({})).toMatchObject({ port: 4030, apiKey: undefined });
  });

  it("take the receiver's credentials under the ingress's names", () => {
    expect(
      alowareSimOptions({ ALOWARE_WEBHOOK_BASIC_USER: 'hook', ALOWARE_WEBHOOK_BASIC_PASS: 'pw' }).webhookAuth,
    ).toEqual({ type: 'basic', username: 'hook', password: 'pw' });
    expect(ghlSimOptions({ GHL_SIM_LOCATION_IDS: 'a, b' }).locationIds).toEqual(['a', 'b']);
  });

  it.each([
    ['GHL_SIM_PORT', '40 10', 'GHL_SIM_PORT: expected a port number (0-65535), got "40 10"'],
    ['GHL_SIM_LATENCY_MS', '50ms', 'GHL_SIM_LATENCY_MS: expected a whole number of milliseconds, got "50ms"'],
    ['ALOWARE_WEBHOOK_URL', 'localhost:3000', 'ALOWARE_WEBHOOK_URL: expected a http:// or https:// URL'],
    ['TEXTING_SIM_PORT', '-1', 'TEXTING_SIM_PORT: expected a port number (0-65535), got "-1"'],
    // One signing key alone names the missing other one.
    ['GHL_SIM_RSA_PRIVATE_KEY', 'pem', 'GHL_SIM_ED25519_PRIVATE_KEY: required with the other signing key'],
  ])('refuse %s=%s, naming the variable', (name, value, expected) => {
    expect(refusal(() => checkSimulatorsEnv({ [name]: value }))).toContain(expected);
  });

  it('npm run simulators refuses before starting any simulator', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, TEXTING_SIM_PORT: 'http' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('simulators refuses to start');
    expect(run.stderr).toContain('TEXTING_SIM_PORT: expected a port number (0-65535), got "http"');
  });
});
