import type { Database } from '@df/db';
import { type Kysely, sql } from 'kysely';

/** A run's watermark in `sync_state`: tenant-keyed, one row per (job, tenant). */
export interface Watermark {
  runId: string;
  cursor: Array<string | number> | null;
  counts: Record<string, number>;
  startedAt: Date | null;
  finishedAt: Date | null;
}

// The (direction, entity_type) unique key is list-sync's upsert arbiter too: entity_type names the tenant.
const keyOf = (job: string, tenant: string) => ({ direction: 'backfill', entity_type: `${job}:${tenant}` });

export async function readWatermark(db: Kysely<Database>, job: string, tenant: string) {
  const key = keyOf(job, tenant);
  const row = await db
    .selectFrom('sync_state')
    .select(['run_id', 'cursor', 'counts', 'started_at', 'finished_at'])
    .where('direction', '=', key.direction)
    .where('entity_type', '=', key.entity_type)
    .executeTakeFirst();
  if (!row?.run_id) return null;
  return {
    runId: row.run_id,
    cursor: row.cursor,
    counts: row.counts ?? {},
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  } satisfies Watermark;
}

/** Starts a run: the cursor and counts start over. */
export async function startRun(db: Kysely<Database>, job: string, tenant: string, runId: string) {
  const now = new Date();
  const values = {
    run_id: runId,
    cursor: null,
    counts: JSON.stringify({}),
    started_at: now,
    finished_at: null,
    last_run_at: now,
  };
  await db
    .insertInto('sync_state')
    .values({ ...keyOf(job, tenant), tenant, ...values })
    .onConflict((oc) => oc.columns(['direction', 'entity_type']).doUpdateSet({ ...values, tenant }))
    .execute();
}

/**
 * A page fully published: the cursor moves past it and the run's counts are saved (the run is one handler,
 * paging in order, so it owns them). Only for this run: a run started since is not overwritten.
 */
export async function advance(
  db: Kysely<Database>,
  job: string,
  tenant: string,
  runId: string,
  update: { cursor: Array<string | number> | null; counts: Record<string, number> },
) {
  const key = keyOf(job, tenant);
  await db
    .updateTable('sync_state')
    .set({ cursor: JSON.stringify(update.cursor), counts: JSON.stringify(update.counts) })
    .where('direction', '=', key.direction)
    .where('entity_type', '=', key.entity_type)
    .where('run_id', '=', runId)
    .execute();
}

export async function finishRun(db: Kysely<Database>, job: string, tenant: string, runId: string) {
  const key = keyOf(job, tenant);
  const now = new Date();
  await db
    .updateTable('sync_state')
    .set({ finished_at: now, last_success_at: now })
    .where('direction', '=', key.direction)
    .where('entity_type', '=', key.entity_type)
    .where('run_id', '=', runId)
    .execute();
}

/**
 * Claims the scheduled run of `job` for `tenant` when `everyMs` has passed since the last claim: one conditional
 * upsert, so of several instances exactly one wins each period (as list-sync's scheduled rebuild does).
 */
export async function claimScheduled(db: Kysely<Database>, job: string, tenant: string, everyMs: number) {
  const key = { direction: 'backfill', entity_type: `schedule:${job}:${tenant}` };
  const row = await db
    .insertInto('sync_state')
    .values({ ...key, tenant, last_run_at: new Date() })
    .onConflict((oc) =>
      oc
        .columns(['direction', 'entity_type'])
        .doUpdateSet({ last_run_at: new Date() })
        .where(sql`sync_state.last_run_at`, '<', new Date(Date.now() - everyMs)),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Gives back a claim whose run could not be requested (Kafka away): the next check, on any instance, claims it
 * again, instead of the period passing without a run.
 */
export async function releaseScheduled(db: Kysely<Database>, job: string, tenant: string, everyMs: number) {
  await db
    .updateTable('sync_state')
    .set({ last_run_at: new Date(Date.now() - everyMs - 1) })
    .where('direction', '=', 'backfill')
    .where('entity_type', '=', `schedule:${job}:${tenant}`)
    .execute();
}
