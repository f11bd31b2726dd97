import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { loadContactSyncSettings } from '../src/config.ts';
import { DEFAULT_CONTACT_SYNC_CONFIG } from '../src/service.ts';

const credentials = { GHL_API_KEY: 'pit-1', GHL_LOCATION_ID: 'loc-1', ALOWARE_API_TOKEN: 'tok-1' };

function refusal(env: Record<string, string>): string | null {
  try {
    loadContactSyncSettings(env);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('contact-sync settings', () => {
  it('reads the tools and the servers it is wired to', () => {
    expect(loadContactSyncSettings({ ...credentials, KAFKA_BROKERS: 'k1:9092, k2:9092' })).toEqual({
      infrastructure: expect.objectContaining({ kafkaBrokers: ['k1:9092', 'k2:9092'], logLevel: 'info' }),
      ghl: {
        baseUrl: 'https://services.leadconnectorhq.com',
        locationId: 'loc-1',
        auth: { type: 'pit', token: 'pit-1' },
      },
      aloware: { baseUrl: 'https://app.aloware.com', apiToken: 'tok-1' },
      contactSync: DEFAULT_CONTACT_SYNC_CONFIG,
    });
  });

  it('reads each policy and the field owners, and refuses what names no field or no tool', () => {
    const { contactSync } = loadContactSyncSettings({
      ...credentials,
      CONTACT_SYNC_FIELD_OWNERS: 'email:ghl, leadSource:aloware',
      CONTACT_SYNC_DUPLICATES: 'link',
      CONTACT_SYNC_AFTER_GHL_DELETE: 'recreate',
      CONTACT_SYNC_MISSING_TARGET: 'report',
    });
    expect(contactSync.policy).toEqual({
      conflict: { owners: { email: 'ghl', leadSource: 'aloware' } },
      duplicates: 'link',
      afterGhlDelete: 'recreate',
      missingTarget: 'report',
    });
    expect(refusal({ ...credentials, CONTACT_SYNC_FIELD_OWNERS: 'mood:ghl' })).toContain(
      'CONTACT_SYNC_FIELD_OWNERS: expected field:ghl or field:aloware',
    );
    expect(refusal({ ...credentials, CONTACT_SYNC_DUPLICATES: 'merge' })).toContain(
      'CONTACT_SYNC_DUPLICATES',
    );
  });

  it('names every missing credential, without which it cannot write anywhere', () => {
    const message = refusal({ GHL_API_KEY: 'pit-1' });
    expect(message).toContain('GHL_LOCATION_ID: required (contact-sync writes to GHL and Aloware)');
    expect(message).toContain('ALOWARE_API_TOKEN: required');
    expect(message).not.toContain('GHL_API_KEY:');
  });

  it('calls GHL with the OAuth app when GHL_AUTH=oauth, naming what that mode needs', () => {
    const oauth = { GHL_AUTH: 'oauth', GHL_LOCATION_ID: 'loc-1', ALOWARE_API_TOKEN: 'tok-1' };
    const message = refusal(oauth);
    expect(message).toContain('GHL_CLIENT_ID: required with GHL_AUTH=oauth (contact-sync writes to GHL');
    expect(message).toContain('GHL_CLIENT_SECRET: required with GHL_AUTH=oauth');
    expect(message).toContain('GHL_TOKEN_ENCRYPTION_KEY: required with GHL_AUTH=oauth');
    expect(message).not.toContain('GHL_API_KEY');
    const key = 'ab'.repeat(32);
    const settings = loadContactSyncSettings({
      ...oauth,
      GHL_CLIENT_ID: 'app-1',
      GHL_CLIENT_SECRET: 'shh',
      GHL_TOKEN_ENCRYPTION_KEY: key,
    });
    expect(settings.ghl.auth).toEqual({
      type: 'oauth',
      clientId: 'app-1',
      clientSecret: 'shh',
      encryptionKey: key,
    });
  });

  it('refuses an encryption key that is not 32 bytes, without repeating it', () => {
    const message = refusal({ ...credentials, GHL_TOKEN_ENCRYPTION_KEY: 'c2hvcnQta2V5' });
    expect(message).toContain(
      'GHL_TOKEN_ENCRYPTION_KEY: expected a 32-byte key, base64 or 64 hex characters, (value not shown)',
    );
    expect(message).not.toContain('c2hvcnQta2V5');
    expect(refusal({ ...credentials, GHL_AUTH: 'token' })).toContain(
      'GHL_AUTH: expected one of pit, oauth, got "token"',
    );
  });

  it.each([
    ['GHL_BASE_URL', 'services.leadconnectorhq.com', 'expected a http:// or https:// URL'],
    ['ALOWARE_BASE_URL', 'ftp://app.aloware.com', 'expected a http:// or https:// URL'],
    ['KAFKA_BROKERS', '127.0.0.1', 'expected comma-separated host:port pairs'],
    ['LOG_LEVEL', 'trace', 'expected one of debug, info, warn, error'],
  ])('refuses %s=%s, naming it', (name, value, expected) => {
    expect(refusal({ ...credentials, [name]: value })).toContain(`${name}: ${expected}, got "${value}"`);
  });

  it('refuses to start as a process, naming the variable, before connecting to anything', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, ...credentials, ALOWARE_BASE_URL: 'aloware' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('contact-sync refuses to start');
    expect(run.stderr).toContain('ALOWARE_BASE_URL: expected a http:// or https:// URL, got "aloware"');
  });
});
