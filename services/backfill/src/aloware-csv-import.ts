import { randomUUID } from 'node:crypto';
import type { Database } from '@df/db';
import type { Kysely } from 'kysely';
import { alowareSnapshotEvent, type BadRow, readAlowareCsv } from './domain/aloware-csv.ts';
import type { PublishSnapshots } from './publisher.ts';
import { advance, finishRun, startRun } from './watermark.ts';

export const ALOWARE_CSV_JOB = 'aloware-csv';

export interface AlowareCsvSummary {
  runId: string;
  rows: number;
  published: number;
  bad: BadRow[];
  ignoredColumns: string[];
}

/**
 * An Aloware contacts export (Aloware's API cannot list contacts) published as Aloware contact events, the path
 * Aloware's webhooks take, in batches. Bad rows are returned with their line and reason (and nothing of them is
 * published); the run and its counts are recorded in `sync_state`.
 */
export async function backfillAlowareCsv(
  text: string,
  deps: {
    db: Kysely<Database>;
    publish: PublishSnapshots;
    tenant: string;
    exportedAt: Date;
    batch?: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<AlowareCsvSummary> {
  const { rows, bad, ignored } = readAlowareCsv(text);
  const runId = randomUUID();
  await startRun(deps.db, ALOWARE_CSV_JOB, deps.tenant, runId);
  const batch = deps.batch ?? 200;
  let published = 0;
  for (let at = 0; at < rows.length; at += batch) {
    const events = rows.slice(at, at + batch).map((row) =>
      alowareSnapshotEvent(row, {
        tenant: deps.tenant,
        runId,
        now: new Date(),
        exportedAt: deps.exportedAt,
      }),
    );
    await deps.publish('aloware', events);
    published += events.length;
    const counts = { rows: rows.length + bad.length, published, bad: bad.length };
    await advance(deps.db, ALOWARE_CSV_JOB, deps.tenant, runId, { cursor: [published], counts });
    deps.onProgress?.(published, rows.length);
  }
  await advance(deps.db, ALOWARE_CSV_JOB, deps.tenant, runId, {
    cursor: [published],
    counts: { rows: rows.length + bad.length, published, bad: bad.length },
  });
  await finishRun(deps.db, ALOWARE_CSV_JOB, deps.tenant, runId);
  return { runId, rows: rows.length + bad.length, published, bad, ignoredColumns: ignored };
}
