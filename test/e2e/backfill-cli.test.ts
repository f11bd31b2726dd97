import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testStack } from '@df/test-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { ghlTopicLag, nextPhone, seedExistingGhlContacts } from './backfill-fixtures.ts';
import { startTestSystem, type TestSystem, waitFor } from './system-harness.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

/** Runs one of the CLIs against the test system; resolves with its output and exit status. */
async function cli(s: TestSystem, script: string, args: string[]) {
  const env = {
    ...process.env,
    KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: testStack().schemaRegistryUrl,
    DATABASE_URL: s.database.url,
    TOPIC_PREFIX: s.infra.topicPrefix,
    GHL_LOCATION_ID: s.tools.ghl.locationId,
  };
  try {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', `services/backfill/src/cli/${script}`, ...args],
      {
        env,
        timeout: 90_000,
      },
    );
    return { stdout, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { stdout: failed.stdout, code: failed.code };
  }
}

describe('npm run backfill / npm run reconcile (real Kafka, registry, Postgres; simulated tools)', () => {
  it('backfills GHL and reconciles through commands.v1, printing JSON summaries', async () => {
    system = await startTestSystem();
    const s = system;
    seedExistingGhlContacts(s, 30);
    const backfill = await cli(s, 'backfill-cli.ts', ['ghl', '--json']);
    expect(backfill.code).toBe(0);
    expect(JSON.parse(backfill.stdout)).toMatchObject({ counts: { published: 30, total: 30 } });
    await waitFor('the 30 in Aloware', () => s.simulators!.aloware.contacts().length === 30);
    await waitFor('GHL events handled', async () => (await ghlTopicLag(s)) === 0);
    const [missed] = seedExistingGhlContacts(s, 1);

    const report = await cli(s, 'reconcile-cli.ts', ['--json']);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      heal: false,
      counts: { read: 31, drift: 1, missing_mapping: 1 },
      drift: [{ ghlContactId: missed!.id, reason: 'drift: missing_mapping (no_mapping)' }],
    });
  });

  it('imports an Aloware CSV export, listing the refused rows with their line and failing the exit status', async () => {
    system = await startTestSystem();
    const s = system;
    const file = join(await mkdtemp(join(tmpdir(), 'aloware-')), 'contacts.csv');
    const good = nextPhone();
    await writeFile(file, `id,phone_number,first_name\n1,${good},Ada\n2,555,Bad\n`);
    const run = await cli(s, 'backfill-cli.ts', ['aloware-csv', file, '--tenant', 'aloware-co']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('line 3: phone_number is not a phone number');
    expect(run.stdout).toMatch(/done: 1 of 2 rows published as Aloware contact events, 1 refused/);
    await waitFor('the good row in GHL', () => s.simulators!.ghl.contacts().some((c) => c.phone === good));
  });
});
