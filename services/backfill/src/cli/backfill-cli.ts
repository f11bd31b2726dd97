import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { infrastructureFromEnv } from '@df/service-runtime';
import { createLogger } from '@df/telemetry';
import { backfillAlowareCsv } from '../aloware-csv-import.ts';
import { GHL_BACKFILL_JOB } from '../ghl-backfill.ts';
import { snapshotPublisher } from '../publisher.ts';
import { readWatermark } from '../watermark.ts';
import { notStartedNotice, publishCommand, refusal } from './commands.ts';
import { progressBar } from './progress.ts';

const USAGE = `usage:
  npm run backfill -- ghl [--tenant <GHL location>] [--restart] [--json]
  npm run backfill -- aloware-csv <file> [--tenant <Aloware company>] [--exported-at <ISO time>] [--json]`;

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        restart: { type: 'boolean', default: false },
        'exported-at': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { values, positionals } = parse();
const [verb, file] = positionals;
if (!(verb === 'ghl' && !file) && !(verb === 'aloware-csv' && file)) {
  console.error(USAGE);
  process.exit(2);
}
const infra = infrastructureFromEnv(
  'backfill-cli',
  createLogger({ service: 'backfill-cli' }, { level: 'warn' }),
);
try {
  process.exitCode = verb === 'ghl' ? await ghl() : await alowareCsv(file!);
} finally {
  await infra.db.destroy();
}

/** Asks the backfill service through `commands.v1`, then follows the run's watermark until it finishes. */
async function ghl(): Promise<number> {
  const tenant = values.tenant ?? process.env.GHL_LOCATION_ID;
  if (!tenant) {
    console.error('--tenant or GHL_LOCATION_ID: the GHL location to backfill');
    return 2;
  }
  const requestedAt = new Date();
  const id = randomUUID();
  await publishCommand(infra, {
    id,
    type: 'backfill.requested',
    tenant,
    requestedAt: requestedAt.toISOString(),
    requestedBy: 'backfill-cli',
    correlationId: id,
    data: { source: 'ghl', ...(values.restart ? { restart: true } : {}) },
  });
  if (!values.json) console.log(`backfill of GHL location ${tenant} requested (command ${id})`);
  const bar = progressBar('contacts');
  const notice = notStartedNotice();
  for (;;) {
    const refused = await refusal(infra, id);
    if (refused) {
      bar.done();
      console.error(`refused: ${refused}`);
      return 1;
    }
    const mark = await readWatermark(infra.db, GHL_BACKFILL_JOB, tenant);
    // A run in progress (ours, or an unfinished one ours resumes); a run finished before we asked is not ours.
    const ours = mark && (mark.finishedAt === null || mark.finishedAt >= requestedAt);
    notice(Boolean(ours));
    if (ours) bar.update(mark.counts.published ?? 0, mark.counts.total, `${mark.counts.pages ?? 0} pages`);
    if (mark?.finishedAt && mark.finishedAt >= requestedAt) {
      bar.done();
      const summary = {
        command: id,
        tenant,
        ...mark,
        durationMs: Date.now() - requestedAt.getTime(),
      };
      if (values.json) console.log(JSON.stringify(summary));
      else
        console.log(
          `done: ${mark.counts.published ?? 0} snapshots of ${mark.counts.total ?? 0} contacts in ${mark.counts.pages ?? 0} pages (run ${mark.runId}, ${Math.round(summary.durationMs / 1000)} s)`,
        );
      return 0;
    }
    await sleep(1000);
  }
}

/** Reads the export here (the file is on this machine) and publishes its rows as Aloware contact events. */
async function alowareCsv(path: string): Promise<number> {
  const tenant = values.tenant ?? process.env.ALOWARE_COMPANY_ID;
  if (!tenant) {
    console.error('--tenant or ALOWARE_COMPANY_ID: the Aloware company the export comes from');
    return 2;
  }
  const exportedAt = values['exported-at'] ? new Date(values['exported-at']) : (await stat(path)).mtime;
  if (Number.isNaN(exportedAt.getTime())) {
    console.error('--exported-at must be an ISO-8601 time');
    return 2;
  }
  const publisher = snapshotPublisher(infra);
  const bar = progressBar('rows');
  try {
    const summary = await backfillAlowareCsv(await readFile(path, 'utf8'), {
      db: infra.db,
      publish: publisher.publish,
      tenant,
      exportedAt,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.done();
    if (values.json) console.log(JSON.stringify(summary));
    else {
      for (const row of summary.bad) console.log(`line ${row.line}: ${row.reason}`);
      if (summary.ignoredColumns.length > 0)
        console.log(`columns ignored: ${summary.ignoredColumns.join(', ')}`);
      console.log(
        `done: ${summary.published} of ${summary.rows} rows published as Aloware contact events, ${summary.bad.length} refused (run ${summary.runId})`,
      );
    }
    // Refused rows are reported, never dropped quietly: the exit status says some were.
    return summary.bad.length > 0 ? 1 : 0;
  } finally {
    await publisher.close();
  }
}
