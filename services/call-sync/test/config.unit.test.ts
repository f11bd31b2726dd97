import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { loadCallSyncSettings } from '../src/config.ts';
import { DEFAULT_FLUSH_CONFIG } from '../src/service.ts';

const credentials = { GHL_API_KEY: 'pit-1', GHL_LOCATION_ID: 'loc-1' };

function refusal(env: Record<string, string>): string | null {
  try {
    loadCallSyncSettings(env);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('call-sync settings', () => {
  it('reads GHL, the note time zone and the servers', () => {
    const settings = loadCallSyncSettings({ ...credentials, CALL_NOTE_TIME_ZONE: 'Europe/Paris' });
    expect(settings.ghl).toEqual({
      baseUrl: 'https://services.leadconnectorhq.com',
      locationId: 'loc-1',
      auth: { type: 'pit', token: 'pit-1' },
    });
    expect(settings.callNoteTimeZone).toBe('Europe/Paris');
    expect(loadCallSyncSettings(credentials).callNoteTimeZone).toBe(DEFAULT_FLUSH_CONFIG.timeZone);
  });

  it('names the missing GHL credentials', () => {
    expect(refusal({})).toContain('GHL_LOCATION_ID: required (call-sync writes notes and tags to GHL)');
    expect(refusal({})).toContain('GHL_API_KEY: required');
  });

  it('names what GHL_AUTH=oauth needs instead of the PIT', () => {
    const message = refusal({ GHL_AUTH: 'oauth', GHL_LOCATION_ID: 'loc-1' });
    expect(message).toContain('GHL_CLIENT_ID: required with GHL_AUTH=oauth (call-sync writes notes');
    expect(message).toContain('GHL_TOKEN_ENCRYPTION_KEY: required with GHL_AUTH=oauth');
    expect(message).not.toContain('GHL_API_KEY');
  });

  it('refuses a time zone it cannot format times in, naming it', () => {
    expect(refusal({ ...credentials, CALL_NOTE_TIME_ZONE: 'EST5' })).toContain(
      'CALL_NOTE_TIME_ZONE: expected an IANA time zone such as America/New_York, got "EST5"',
    );
  });

  it('refuses to start as a process, naming the variable, before connecting to anything', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, ...credentials, SCHEMA_REGISTRY_URL: 'localhost:8081' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('call-sync refuses to start');
    expect(run.stderr).toContain(
      'SCHEMA_REGISTRY_URL: expected a http:// or https:// URL, got "localhost:8081"',
    );
  });
});
