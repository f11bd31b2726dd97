import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { RECONCILE_JOB, summaryText } from '../reconcile.ts';
import { readWatermark } from '../watermark.ts';
import { notStartedNotice, publishCommand, refusal } from './commands.ts';
import { progressBar } from './progress.ts';

const USAGE = 'usage: npm run reconcile [-- [--heal] [--limit <N>] [--tenant <GHL location>] [--json]]';

function parse() {
  try {
    return parseArgs({
      options: {
        heal: { type: 'boolean', default: false },
        limit: { type: 'string' },
        tenant: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parse();
const limit = values.limit === undefined ? undefined : Number(values.limit);
const tenant = values.tenant ?? process.env.GHL_LOCATION_ID;
if ((limit !== undefined && !(Number.isInteger(limit) && limit > 0)) || !tenant) {
  console.error(
    `${tenant ? '--limit must be a positive whole number' : '--tenant or GHL_LOCATION_ID is needed'}\n${USAGE}`,
  );
  process.exit(2);
}
const infra = infrastructureFromEnv(
  'reconcile-cli',
  createLogger({ service: 'reconcile-cli' }, { level: 'warn' }),
);
try {
  process.exitCode = await run(tenant);
} finally {
  await infra.db.destroy();
}

/** Asks the backfill service for a reconciliation, follows it, then prints the drift it reported by kind. */
async function run(tenant: string): Promise<number> {
  const id = randomUUID();
  const started = Date.now();
  await publishCommand(infra, {
    id,
    type: 'reconcile.requested',
    tenant,
    requestedAt: new Date().toISOString(),
    requestedBy: 'reconcile-cli',
    correlationId: id,
    data: { heal: values.heal, ...(limit ? { limit } : {}) },
  });
  if (!values.json)
    console.log(`reconciliation of ${tenant} requested${values.heal ? ' (heal)' : ''} (command ${id})`);
  const bar = progressBar('contacts');
  let counts: Record<string, number> = {};
  const notice = notStartedNotice();
  for (;;) {
    const refused = await refusal(infra, id);
    if (refused) {
      bar.done();
      console.error(`refused: ${refused}`);
      return 1;
    }
    const mark = await readWatermark(infra.db, RECONCILE_JOB, tenant);
    notice(mark?.runId === id);
    if (mark?.runId === id) {
      counts = mark.counts;
      bar.update(counts.read ?? 0, limit ?? counts.total, `${counts.drift ?? 0} drift`);
      if (mark.finishedAt) break;
    }
    await sleep(1000);
  }
  bar.done();
  const drift = await driftOutcomes(id, counts.drift ?? 0);
  if (values.json) {
    console.log(
      JSON.stringify({
        command: id,
        tenant,
        heal: values.heal,
        counts,
        drift,
        durationMs: Date.now() - started,
      }),
    );
    return 0;
  }
  for (const row of drift) console.log(`  ${row.ghlContactId}: ${row.reason}`);
  console.log(`done in ${Math.round((Date.now() - started) / 1000)} s: ${summaryText(counts)}`);
  return 0;
}

/** The run's drift outcomes, once the audit has recorded them all (or after 30 s, whatever arrived). */
async function driftOutcomes(commandId: string, expected: number) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await infra.db
      .selectFrom('sync_log')
      .select(['entity_id', 'error_message'])
      .where('event_id', '=', commandId)
      .where('error_message', 'like', 'drift:%')
      .orderBy('error_message')
      .execute();
    if (rows.length >= expected || Date.now() > deadline)
      return rows.map((r) => ({ ghlContactId: r.entity_id, reason: r.error_message ?? '' }));
    await sleep(500);
  }
}
