import { randomUUID } from 'node:crypto';
import type { Database } from '@df/db';
import type { GhlClient } from '@df/ghl-client';
import type { Kysely } from 'kysely';
import { ghlSnapshotEvent } from './domain/ghl-snapshot.ts';
import type { PublishSnapshots } from './publisher.ts';
import { advance, finishRun, readWatermark, startRun } from './watermark.ts';

export const GHL_BACKFILL_JOB = 'ghl-contacts';

export interface GhlBackfillDeps {
  db: Kysely<Database>;
  /** A client on the backfill's share of the location's budget (budget-share.ts). */
  ghl: Pick<GhlClient, 'searchContacts'>;
  publish: PublishSnapshots;
  /** Resolves when the consumers have room for another batch (headroom.ts). */
  headroom: () => Promise<void>;
  /** Contacts per GHL search page. */
  pageSize: number;
  /** Snapshots published at once; each batch waits for headroom. */
  batchSize: number;
  now?: () => Date;
  /** Called once a page is published and the watermark saved: progress, and where a test kills the run. */
  afterPage?: (progress: GhlBackfillProgress) => void | Promise<void>;
}

export interface GhlBackfillProgress {
  runId: string;
  resumed: boolean;
  /** read: contacts read from GHL; published: snapshots acknowledged by Kafka; pages; total: GHL's count. */
  counts: Record<string, number>;
}

/**
 * Pages the location's contacts (search, oldest first, `searchAfter`) and publishes a snapshot of each on
 * `ghl.events.v1`, as if GHL had sent it. Watermark in `sync_state` (tenant-keyed): after each page is durable
 * in Kafka the cursor moves past it. A run that did not finish (crash, deploy, GHL down) resumes from its cursor
 * unless `restart`; a page published again carries the same event ids, which the consumers drop. A finished
 * run is followed by a new one from the first page: contacts unchanged since give the same ids (no effect).
 */
export async function backfillGhl(
  tenant: string,
  deps: GhlBackfillDeps,
  options: { restart?: boolean } = {},
): Promise<GhlBackfillProgress> {
  const now = deps.now ?? (() => new Date());
  const last = await readWatermark(deps.db, GHL_BACKFILL_JOB, tenant);
  const resumed = last !== null && last.finishedAt === null && options.restart !== true;
  const runId = resumed ? last.runId : randomUUID();
  if (!resumed) await startRun(deps.db, GHL_BACKFILL_JOB, tenant, runId);
  let cursor = resumed ? last.cursor : null;
  const counts: Record<string, number> = { read: 0, published: 0, pages: 0, ...(resumed ? last.counts : {}) };
  for (;;) {
    const page = await deps.ghl.searchContacts({
      pageLimit: deps.pageSize,
      sort: [{ field: 'dateAdded', direction: 'asc' }],
      ...(cursor ? { searchAfter: cursor } : {}),
    });
    const events = page.contacts.map((c) => ghlSnapshotEvent(c, { tenant, runId, now: now() }));
    for (let at = 0; at < events.length; at += deps.batchSize) {
      await deps.headroom();
      await deps.publish('ghl', events.slice(at, at + deps.batchSize));
    }
    const lastContact = page.contacts.at(-1);
    cursor = lastContact?.searchAfter ?? cursor;
    counts.read = (counts.read ?? 0) + page.contacts.length;
    counts.published = (counts.published ?? 0) + events.length;
    counts.pages = (counts.pages ?? 0) + 1;
    counts.total = page.total;
    await advance(deps.db, GHL_BACKFILL_JOB, tenant, runId, { cursor, counts });
    await deps.afterPage?.({ runId, resumed, counts: { ...counts } });
    if (page.contacts.length < deps.pageSize || !lastContact?.searchAfter) break;
  }
  await finishRun(deps.db, GHL_BACKFILL_JOB, tenant, runId);
  return { runId, resumed, counts };
}
