import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { GHL_ED25519_PUBLIC_KEY } from '../src/auth/ghl-signature.ts';
import { ingressConfig, loadIngressSettings } from '../src/config.ts';

/** The message a refused environment produces, or null when it is accepted. */
function refusal(env: Record<string, string>): string | null {
  try {
    loadIngressSettings(env);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('ingress settings', () => {
  it('has working defaults for an empty environment', () => {
    const { config, infrastructure } = loadIngressSettings({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      bodyLimitBytes: 1_048_576,
      maxRecordBytes: 900_000,
      spoolBatchBytes: 4_194_304,
      spoolBatchSize: 500,
      publishTimeoutMs: 5000,
      topicPrefix: '',
      ghl: { ed25519PublicKey: GHL_ED25519_PUBLIC_KEY, acceptLegacyRsa: true, maxSkewMs: 300_000 },
      texting: { signingSecrets: [], maxSkewMs: 300_000, defaultTenant: 'texting' },
      aloware: { allowedEvents: [], timeZone: 'UTC', defaultTenant: 'aloware' },
    });
    expect(config.operatorToken).toBeUndefined();
    expect(infrastructure).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/df_middleware',
      topicPrefix: '',
      logLevel: 'info',
    });
  });

  it('reads every setting it documents', () => {
    const config = ingressConfig({
      INGRESS_PORT: '0',
      INGRESS_BODY_LIMIT_BYTES: '2048',
      INGRESS_MAX_RECORD_BYTES: '1000',
      INGRESS_SPOOL_BATCH_BYTES: '5000',
      INGRESS_SPOOL_BATCH_SIZE: '10',
      GHL_WEBHOOK_MAX_SKEW_SECONDS: '60',
      GHL_WEBHOOK_ACCEPT_LEGACY: 'false',
      ALOWARE_WEBHOOK_ALLOWED_EVENTS: 'Contact-*, Call-Disposed,',
      ALOWARE_TIME_ZONE: 'America/New_York',
      TEXTING_WEBHOOK_SIGNING_SECRETS: 'new,old',
      OPERATOR_TOKEN: 'op',
    });
    expect(config).toMatchObject({
      port: 0,
      bodyLimitBytes: 2048,
      maxRecordBytes: 1000,
      spoolBatchBytes: 5000,
      spoolBatchSize: 10,
      ghl: { maxSkewMs: 60_000, acceptLegacyRsa: false },
      aloware: { allowedEvents: ['Contact-*', 'Call-Disposed'], timeZone: 'America/New_York' },
      texting: { signingSecrets: ['new', 'old'] },
      operatorToken: 'op',
    });
  });

  it('treats an empty value as unset, and prefers INGRESS_PORT to PORT', () => {
    expect(ingressConfig({ GHL_WEBHOOK_MAX_SKEW_SECONDS: '', OPERATOR_TOKEN: '' })).toMatchObject({
      ghl: { maxSkewMs: 300_000 },
      operatorToken: undefined,
    });
    expect(ingressConfig({ PORT: '8080' }).port).toBe(8080);
    expect(ingressConfig({ PORT: '8080', INGRESS_PORT: '9090' }).port).toBe(9090);
  });

  it.each([
    ['GHL_WEBHOOK_MAX_SKEW_SECONDS', '5m', 'expected a whole number of seconds, got "5m"'],
    ['GHL_WEBHOOK_MAX_SKEW_SECONDS', '0', 'expected a whole number of seconds, got "0"'],
    ['TEXTING_WEBHOOK_MAX_SKEW_SECONDS', '-5', 'expected a whole number of seconds, got "-5"'],
    ['INGRESS_BODY_LIMIT_BYTES', '1MB', 'expected a whole number of bytes, got "1MB"'],
    ['INGRESS_MAX_RECORD_BYTES', '1e6', 'expected a whole number of bytes, got "1e6"'],
    ['INGRESS_SPOOL_BATCH_BYTES', '4 MiB', 'expected a whole number of bytes, got "4 MiB"'],
    ['INGRESS_SPOOL_BATCH_SIZE', '500.5', 'expected a positive whole number, got "500.5"'],
    ['INGRESS_PUBLISH_TIMEOUT_MS', '5s', 'expected a whole number of milliseconds, got "5s"'],
    ['INGRESS_MAX_RECORD_BYTES', '1MB', 'expected a whole number of bytes, got "1MB"'],
    ['INGRESS_PORT', '70000', 'expected a port number (0-65535), got "70000"'],
    ['PORT', 'http', 'expected a port number (0-65535), got "http"'],
    ['GHL_WEBHOOK_ACCEPT_LEGACY', 'yes', 'expected true or false, got "yes"'],
    ['GHL_WEBHOOK_ACCEPT_LEGACY', 'FALSE', 'expected true or false, got "FALSE"'],
    ['GHL_WEBHOOK_PUBLIC_KEY', 'not a key', 'expected a PEM public key'],
    ['ALOWARE_TIME_ZONE', 'Mars/Olympus', 'expected an IANA time zone such as America/New_York'],
    ['KAFKA_BROKERS', 'localhost', 'expected comma-separated host:port pairs, got "localhost"'],
    ['SCHEMA_REGISTRY_URL', 'registry:8081', 'expected a http:// or https:// URL'],
    ['LOG_LEVEL', 'verbose', 'expected one of debug, info, warn, error, got "verbose"'],
  ])('refuses %s=%s at start, naming the variable', (name, value, expected) => {
    expect(refusal({ [name]: value })).toContain(`${name}: ${expected}`);
  });

  it('never repeats a refused DATABASE_URL, which may carry a password', () => {
    const message = refusal({ DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    expect(message).toContain('DATABASE_URL: expected a postgres:// or postgresql:// URL, (value not shown)');
    expect(message).not.toContain('hunter2');
  });

  it('reports every refused variable at once', () => {
    const message = refusal({ INGRESS_BODY_LIMIT_BYTES: '1MB', GHL_WEBHOOK_MAX_SKEW_SECONDS: '5m' });
    expect(message).toContain('INGRESS_BODY_LIMIT_BYTES:');
    expect(message).toContain('GHL_WEBHOOK_MAX_SKEW_SECONDS:');
  });

  it('serves the install callback only with GHL_AUTH=oauth and the app it needs, named when missing', () => {
    expect(loadIngressSettings({}).config.ghlApp).toBeNull();
    const message = refusal({ GHL_AUTH: 'oauth', GHL_CLIENT_ID: 'app-1' });
    expect(message).toContain(
      'GHL_CLIENT_SECRET: required with GHL_AUTH=oauth (the ingress serves /oauth/callback)',
    );
    expect(message).toContain('GHL_TOKEN_ENCRYPTION_KEY: required');
    // The ingress serves every location that installs the app: it needs none of its own.
    expect(message).not.toContain('GHL_LOCATION_ID');
    const key = `${'A'.repeat(43)}=`;
    const app = {
      GHL_AUTH: 'oauth',
      GHL_CLIENT_ID: 'app-1',
      GHL_CLIENT_SECRET: 's',
      GHL_TOKEN_ENCRYPTION_KEY: key,
    };
    expect(loadIngressSettings(app).config.ghlApp).toEqual({
      baseUrl: 'https://services.leadconnectorhq.com',
      clientId: 'app-1',
      clientSecret: 's',
      encryptionKey: key,
    });
  });

  it('refuses a spool batch smaller than the largest record it may have to drain', () => {
    expect(refusal({ INGRESS_MAX_RECORD_BYTES: '2000', INGRESS_SPOOL_BATCH_BYTES: '1000' })).toContain(
      'INGRESS_SPOOL_BATCH_BYTES: must be at least INGRESS_MAX_RECORD_BYTES (2000)',
    );
  });
});

describe('the ingress process', () => {
  it('refuses to start on a bad setting, naming it, before connecting to anything', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, GHL_WEBHOOK_MAX_SKEW_SECONDS: '5m', INGRESS_BODY_LIMIT_BYTES: '1MB' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ingress refuses to start');
    expect(run.stderr).toContain(
      'GHL_WEBHOOK_MAX_SKEW_SECONDS: expected a whole number of seconds, got "5m"',
    );
    expect(run.stderr).toContain('INGRESS_BODY_LIMIT_BYTES: expected a whole number of bytes, got "1MB"');
  });
});
