import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { loadSystemConfig } from '../src/config.ts';

function refusal(env: Record<string, string>): string | null {
  try {
    loadSystemConfig(env);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('all-in-one settings', () => {
  it('runs against the simulators when no tool credentials are set', () => {
    const config = loadSystemConfig({});
    expect(config.tools).toBeNull();
    expect(config.ingress.port).toBe(3000);
    expect(config.callNoteTimeZone).toBe('America/New_York');
  });

  it('uses the real tools when all their credentials are set', () => {
    const config = loadSystemConfig({
      GHL_API_KEY: 'pit-1',
      GHL_LOCATION_ID: 'loc-1',
      ALOWARE_API_TOKEN: 'tok-1',
      TEXTING_BASE_URL: 'https://texting.example.com',
    });
    expect(config.tools).toEqual({
      ghl: {
        baseUrl: 'https://services.leadconnectorhq.com',
        locationId: 'loc-1',
        auth: { type: 'pit', token: 'pit-1' },
      },
      aloware: { baseUrl: 'https://app.aloware.com', apiToken: 'tok-1' },
      texting: { baseUrl: 'https://texting.example.com', apiKey: '' },
    });
  });

  it('calls the real GHL with the OAuth app, or the simulated one, when GHL_AUTH=oauth', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const app = { GHL_AUTH: 'oauth', GHL_CLIENT_ID: 'app-1', GHL_CLIENT_SECRET: 'shh' };
    const tools = { ...app, GHL_LOCATION_ID: 'loc-1', ALOWARE_API_TOKEN: 'tok-1' };
    expect(refusal(tools)).toContain('GHL_TOKEN_ENCRYPTION_KEY: required (the real tools need all of');
    const real = loadSystemConfig({ ...tools, GHL_TOKEN_ENCRYPTION_KEY: key });
    expect(real.tools?.ghl.auth).toEqual({
      type: 'oauth',
      clientId: 'app-1',
      clientSecret: 'shh',
      encryptionKey: key,
    });
    // No credentials: the simulated GHL's own OAuth app, tokens under the configured key.
    const simulated = loadSystemConfig({ GHL_AUTH: 'oauth', GHL_TOKEN_ENCRYPTION_KEY: key });
    expect(simulated.tools).toBeNull();
    expect(simulated.simulatedGhlAuth).toEqual({ type: 'oauth', encryptionKey: key });
    expect(loadSystemConfig({}).simulatedGhlAuth).toEqual({ type: 'pit' });
  });

  it('refuses some tool credentials without the others, rather than quietly using the simulators', () => {
    const message = refusal({ GHL_API_KEY: 'pit-1' });
    expect(message).toContain('GHL_LOCATION_ID: required (the real tools need all of');
    expect(message).toContain('ALOWARE_API_TOKEN: required');
  });

  it("applies the ingress's rules and the services' too", () => {
    expect(refusal({ GHL_WEBHOOK_MAX_SKEW_SECONDS: '5m' })).toContain(
      'GHL_WEBHOOK_MAX_SKEW_SECONDS: expected a whole number of seconds, got "5m"',
    );
    expect(refusal({ INGRESS_MAX_RECORD_BYTES: '5000000' })).toContain(
      'INGRESS_SPOOL_BATCH_BYTES: must be at least INGRESS_MAX_RECORD_BYTES',
    );
    expect(refusal({ CALL_NOTE_TIME_ZONE: 'Nowhere' })).toContain('CALL_NOTE_TIME_ZONE: expected an IANA');
    expect(refusal({ TEXTING_BASE_URL: 'texting' })).toContain('TEXTING_BASE_URL: expected a http://');
  });

  it('refuses to start as a process before starting the stack, naming the variable', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, INGRESS_BODY_LIMIT_BYTES: '1MB' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('df-middleware refuses to start');
    expect(run.stderr).toContain('INGRESS_BODY_LIMIT_BYTES: expected a whole number of bytes, got "1MB"');
  });
});
