import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@df/env';
import { describe, expect, it } from 'vitest';
import { loadAuditSettings } from '../src/config.ts';

function refusal(env: Record<string, string>): string | null {
  try {
    loadAuditSettings(env);
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('audit settings', () => {
  it('reads the servers it is wired to', () => {
    expect(loadAuditSettings({ TOPIC_PREFIX: 'staging.', DATABASE_URL: 'postgresql://db/audit' })).toEqual({
      infrastructure: {
        kafkaBrokers: ['127.0.0.1:9092'],
        schemaRegistryUrl: 'http://127.0.0.1:8081/apis/ccompat/v7',
        databaseUrl: 'postgresql://db/audit',
        topicPrefix: 'staging.',
        logLevel: 'info',
      },
    });
  });

  it.each([
    ['KAFKA_BROKERS', 'kafka:9092,', 'expected comma-separated host:port pairs, got "kafka:9092,"'],
    ['LOG_LEVEL', 'INFO', 'expected one of debug, info, warn, error, got "INFO"'],
    ['DATABASE_URL', 'db:5432', 'expected a postgres:// or postgresql:// URL, (value not shown)'],
  ])('refuses %s=%s, naming it', (name, value, expected) => {
    expect(refusal({ [name]: value })).toContain(`${name}: ${expected}`);
  });

  it('refuses to start as a process, naming the variable, before connecting to anything', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: 'kafka' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('audit refuses to start');
    expect(run.stderr).toContain('KAFKA_BROKERS: expected comma-separated host:port pairs, got "kafka"');
  });
});
