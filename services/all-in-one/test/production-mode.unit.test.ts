import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { loadSystemConfig } from '../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadSystemConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

const servers = {
  KAFKA_BROKERS: 'kafka-1.internal:9093',
  SCHEMA_REGISTRY_URL: 'https://registry.internal/apis/ccompat/v7',
  DATABASE_URL: 'postgres://df@db.internal:5432/df_middleware',
};
const tools = { GHL_API_KEY: 'pit-1', GHL_LOCATION_ID: 'loc-1', ALOWARE_API_TOKEN: 'tok-1' };

describe('production mode (DF_MODE=production)', () => {
  it('refuses without credentials, naming every missing one', () => {
    expect(problems({ DF_MODE: 'production' }).sort()).toEqual(
      [
        'ALOWARE_API_TOKEN: required in production mode (DF_MODE=production)',
        'DATABASE_URL: required in production mode (the default points at this machine)',
        'GHL_API_KEY: required in production mode (DF_MODE=production)',
        'GHL_LOCATION_ID: required in production mode (DF_MODE=production)',
        'KAFKA_BROKERS: required in production mode (the default points at this machine)',
        'OPERATOR_TOKEN: required in production mode (DF_MODE=production)',
        'SCHEMA_REGISTRY_URL: required in production mode (the default points at this machine)',
      ].sort(),
    );
  });

  it('refuses partial credentials: one missing token is named, no simulator stands in', () => {
    const { ALOWARE_API_TOKEN: _, ...partial } = tools;
    expect(problems({ DF_MODE: 'production', OPERATOR_TOKEN: 'op', ...servers, ...partial })).toEqual([
      'ALOWARE_API_TOKEN: required in production mode (DF_MODE=production)',
    ]);
    // The OAuth app's names when GHL_AUTH=oauth.
    expect(
      problems({ DF_MODE: 'production', GHL_AUTH: 'oauth', OPERATOR_TOKEN: 'op', ...servers, ...tools }),
    ).toEqual([
      'GHL_CLIENT_ID: required in production mode (DF_MODE=production)',
      'GHL_CLIENT_SECRET: required in production mode (DF_MODE=production)',
      'GHL_TOKEN_ENCRYPTION_KEY: required in production mode (DF_MODE=production)',
    ]);
  });

  it('runs the real tools with everything given, with the cluster credentials', () => {
    const config = loadSystemConfig({
      DF_MODE: 'production',
      OPERATOR_TOKEN: 'op',
      ...servers,
      ...tools,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'df',
      KAFKA_SASL_PASSWORD: 'pw',
      SCHEMA_REGISTRY_USERNAME: 'reg',
      SCHEMA_REGISTRY_PASSWORD: 'regpw',
      TOPIC_PARTITIONS: '12',
    });
    expect(config.mode).toBe('production');
    expect(config.tools?.ghl.locationId).toBe('loc-1');
    expect(config.partitions).toBe(12);
    expect(config.credentials).toEqual({
      kafka: { ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'df', password: 'pw' } },
      registry: { username: 'reg', password: 'regpw' },
    });
  });

  it('refuses SASL without its user and password, and half of the registry credentials', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain', SCHEMA_REGISTRY_USERNAME: 'reg' }).sort()).toEqual([
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM',
      'SCHEMA_REGISTRY_PASSWORD: the registry credentials go in pairs',
    ]);
  });

  it('npm start in production without credentials exits 1 with the message, starting no stack', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, DF_MODE: 'production', STACK_STATE_DIR: '/nonexistent/df-stack' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('df-middleware refuses to start');
    expect(run.stderr).toContain('GHL_API_KEY: required in production mode');
    expect(run.stderr).toContain('KAFKA_BROKERS: required in production mode');
    expect(run.stdout).not.toMatch(/kafka|simulators/i);
  });
});

describe('a service alone in production mode', () => {
  it('refuses to start without the /metrics token and the servers, naming them', () => {
    const main = fileURLToPath(new URL('../../audit/src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, DF_MODE: 'production', KAFKA_BROKERS: 'kafka:9092' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('audit refuses to start');
    expect(run.stderr).toContain('METRICS_TOKEN: required in production mode');
    expect(run.stderr).toContain('DATABASE_URL: required in production mode');
    expect(run.stderr).not.toContain('KAFKA_BROKERS');
  });
});
