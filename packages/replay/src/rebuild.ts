/**
 * Replay, rebuild and redrive: the design (issue 15, guarantee 7).
 *
 * Rebuild (no side effects). A projection is a pure function of the log (`Projection`: decode + write, no tool
 * client in reach). A rebuild creates shadow tables shaped like the live ones in a schema of its own
 * (`rebuild_<projection>_<random>`), reads the projection's topics from the beginning (or from the first record at or
 * after T, on top of a copy of the live rows) with a throwaway consumer group that commits nothing, and writes
 * through the projection's own writer into the shadow, while the live service keeps consuming.
 * Switch-over, with no record lost: once the shadow is within `switchGap` records of the log's end, one
 * Postgres transaction locks the live tables (ACCESS EXCLUSIVE, in the live writers' order: the live writers
 * are fenced, their in-flight transactions finish first), reads the log's end H (every record a live writer
 * has applied is now below H), lets the shadow apply everything below H and nothing past it, completes it,
 * and makes the live tables equal to it: inserts and overwrites the rows that differ, and (a full rebuild of
 * a log that still starts at its first record) removes the rows no record makes. A rebuild from T writes only
 * the rows the records since T changed from its copy of the live rows. It commits, and the live writers go on
 * from their own offsets: what they apply again (records below H they had not committed) is a no-op by their
 * idempotence rules, what they apply next is past H. Columns the log does not determine (contact-sync's
 * working memory, leases) are left as the live service keeps them, and live rows whose change is not on the
 * log yet (contact-sync's outbox: a mapping version not relayed) are left alone. A dry run builds and
 * compares, and switches nothing. One rebuild of a projection runs at a time (`claim.ts`); it first drops the
 * shadows of that projection a killed rebuild left behind.
 *
 * Replay with side effects (`side-effects.ts`) is a separate, explicit choice: the selected records from T
 * (group, tenant, entity, type) are published again, as copies with replay-scoped ids
 * (`nameUuid(replay|<run>|<event id>)`), onto the group's own replay topic (`<group>.replay`), which only that
 * group's live consumer reads, with its own handlers and tools. The processed-event tables then see a new id:
 * effectively once per run and event (a run published twice, or a copy redelivered, is a no-op); a new run
 * re-applies on purpose. The tools stay protected by the handlers' own keys (mappings, intent rows, versions).
 *
 * Redrive (`dead_letters.redrive_requested`) puts a group's dead letters back on their source topics.
 */
import type { Database } from '@df/db';
import {
  type Kafka,
  type LogPositions,
  type LogRecord,
  logEnds,
  logStarts,
  type SchemaCodec,
  startLogReader,
} from '@df/kafka';
import { type Kysely, sql } from 'kysely';
import { claimProjection, releaseProjection } from './claim.ts';
import type { Projection } from './projection.ts';
import { readValue } from './read-value.ts';
import {
  applyShadow,
  compareWithLive,
  createShadow,
  dropLeftoverShadows,
  dropShadow,
  seedShadow,
  type TableDifference,
} from './shadow.ts';

export interface RebuildEnvironment {
  kafka: Kafka;
  codec: SchemaCodec;
  db: Kysely<Database>;
  topicPrefix: string;
}

export interface RebuildOptions {
  /** Re-read from the first record at or after T, on top of what the live tables hold; default: everything. */
  from?: Date;
  /** Build and compare, switch nothing. */
  dryRun?: boolean;
  /** How far behind the log's end the shadow may be when the switch takes the lock (the tail read under it). */
  switchGap?: number;
  /**
   * How long the switch may hold the live tables' lock waiting for it and for the log's tail (default 30 s):
   * past it the switch rolls back, leaving the live tables as they were and the live writers free again.
   */
  switchTimeoutMs?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildProgress {
  phase: 'reading' | 'catching-up' | 'switching' | 'done';
  applied: number;
  total: number;
}

export interface RebuildSummary {
  projection: string;
  from: string | null;
  records: number;
  /** Records that can never be read (the live consumer dead-lettered them): not in the projection either. */
  unreadable: number;
  seconds: number;
  /**
   * Whether every partition still starts at its first record (offset 0). When retention or an operator deleted
   * older segments, rows their records made have no record left: a full rebuild then removes nothing.
   */
  logComplete: boolean;
  /** What the rebuild changed in the live tables (what it would change, for a dry run). */
  differences: TableDifference[];
  switched: boolean;
}

const WRITE_CHUNK = 2000;
/** Partitions read at once, each writing through a connection of its own. */
const WRITERS = 2;

function behind(ends: LogPositions, applied: LogPositions): number {
  let gap = 0n;
  for (const [key, end] of ends) {
    const at = applied.get(key) ?? 0n;
    if (end > at) gap += end - at;
  }
  return Number(gap);
}

/** A record's projection value; null when the projection ignores it; undefined when it can never be read. */
async function decodeOrSkip<R>(codec: SchemaCodec, projection: Projection<R>, record: LogRecord) {
  const value = await readValue(codec, record);
  if (value === undefined) return undefined;
  try {
    return projection.decode(value, record);
  } catch {
    return undefined; // refused by the contract: the live consumer dead-lettered it too
  }
}

/**
 * Connections held for the whole rebuild. The switch's lock makes the live writers wait, each holding a pooled
 * connection: the shadow's last writes must not need one from the same pool, or nobody moves again.
 */
function withConnections<T>(
  db: Kysely<Database>,
  count: number,
  work: (connections: Kysely<Database>[]) => Promise<T>,
): Promise<T> {
  if (count === 0) return work([]);
  return db.connection().execute((one) => withConnections(db, count - 1, (rest) => work([one, ...rest])));
}

export function rebuildProjection<R>(
  env: RebuildEnvironment,
  projection: Projection<R>,
  options: RebuildOptions = {},
): Promise<RebuildSummary> {
  return withConnections(env.db, WRITERS, async (writers) => {
    const session = writers[0]!;
    await claimProjection(session, projection.name);
    try {
      await dropLeftoverShadows(session, projection.name);
      return await rebuildWith(env, projection, options, writers);
    } finally {
      await releaseProjection(session, projection.name);
    }
  });
}

async function rebuildWith<R>(
  env: RebuildEnvironment,
  projection: Projection<R>,
  options: RebuildOptions,
  writers: Kysely<Database>[],
): Promise<RebuildSummary> {
  const started = performance.now();
  const topics = projection.topics.map((t) => `${env.topicPrefix}${t}`);
  const schema = await createShadow(env.db, projection.name, projection.tables);
  const shadows = writers.map((w) => w.withSchema(schema));
  let next = 0;
  let reader: Awaited<ReturnType<typeof startLogReader>> | undefined;
  let applied = 0;
  let unreadable = 0;
  try {
    if (options.from) for (const table of projection.tables) await seedShadow(env.db, schema, table);
    const starts = await logStarts(env.kafka, topics, options.from);
    const logComplete = [...(await logStarts(env.kafka, topics)).values()].every((low) => low === 0n);
    const firstEnds = await logEnds(env.kafka, topics);
    let total = behind(firstEnds, starts);
    const report = (phase: RebuildProgress['phase']) => options.onProgress?.({ phase, applied, total });
    const apply = async (records: LogRecord[]) => {
      const decoded: R[] = [];
      for (const record of records) {
        const value = await decodeOrSkip(env.codec, projection, record);
        if (value === undefined) unreadable += 1;
        else if (value !== null) decoded.push(value);
      }
      const shadow = shadows[next++ % shadows.length]!;
      for (let i = 0; i < decoded.length; i += WRITE_CHUNK) {
        await projection.write(shadow, decoded.slice(i, i + WRITE_CHUNK));
      }
      applied += records.length;
    };
    reader = await startLogReader(env.kafka, {
      topics,
      starts,
      groupPrefix: `${env.topicPrefix}rebuild.`,
      apply,
      partitionsConcurrently: WRITERS,
    });
    const ticker = setInterval(() => report('reading'), 250);
    try {
      await reader.reached(firstEnds);
      // Live traffic kept coming: catch up until the tail left for the locked switch is short.
      for (let round = 0; round < 10; round += 1) {
        const ends = await logEnds(env.kafka, topics);
        const gap = behind(ends, reader.applied());
        total = applied + gap;
        if (gap <= (options.switchGap ?? 500)) break;
        report('catching-up');
        await reader.reached(ends);
      }
    } finally {
      clearInterval(ticker);
    }
    report('switching');
    // Rows no record makes are removed by a full rebuild of a complete log only (what a dry run counts too).
    const removeExtra = !options.from && logComplete;
    const summary = options.dryRun
      ? await compareOnly(env.db, schema, projection, reader, removeExtra, !!options.from)
      : await switchOver(env, schema, projection, reader, {
          removeExtra,
          seeded: !!options.from,
          timeoutMs: options.switchTimeoutMs ?? 30_000,
        });
    total = applied;
    report('done');
    return {
      projection: projection.name,
      from: options.from?.toISOString() ?? null,
      records: applied,
      unreadable,
      logComplete,
      seconds: (performance.now() - started) / 1000,
      ...summary,
    };
  } finally {
    await reader?.close();
    await dropShadow(env.db, schema);
  }
}

async function compareOnly<R>(
  db: Kysely<Database>,
  schema: string,
  projection: Projection<R>,
  reader: Awaited<ReturnType<typeof startLogReader>>,
  removeExtra: boolean,
  seeded: boolean,
) {
  await reader.stopAt(reader.applied());
  await projection.finish?.(db.withSchema(schema));
  const differences: TableDifference[] = [];
  for (const table of projection.tables) {
    const difference = await compareWithLive(db, schema, table, seeded);
    differences.push(removeExtra ? difference : { ...difference, extra: 0 });
  }
  return { differences, switched: false };
}

export class SwitchTimedOut extends Error {
  constructor(timeoutMs: number, waitingFor: string) {
    super(
      `the switch gave up after ${timeoutMs} ms waiting for ${waitingFor}: rolled back, the live tables are as they were`,
    );
    this.name = 'SwitchTimedOut';
  }
}

/** Settles with `work`, or rejects once `deadline` (ms since epoch) has passed; the timer never outlives it. */
async function beforeDeadline<T>(work: Promise<T>, deadline: number, timeout: () => Error): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) {
    work.catch(() => {});
    throw timeout();
  }
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), remaining);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function switchOver<R>(
  env: RebuildEnvironment,
  schema: string,
  projection: Projection<R>,
  reader: Awaited<ReturnType<typeof startLogReader>>,
  { removeExtra, seeded, timeoutMs }: { removeExtra: boolean; seeded: boolean; timeoutMs: number },
) {
  const topics = projection.topics.map((t) => `${env.topicPrefix}${t}`);
  const deadline = Date.now() + timeoutMs;
  const timedOut = (waitingFor: string) => () => new SwitchTimedOut(timeoutMs, waitingFor);
  try {
    return await env.db.transaction().execute(async (trx) => {
      // Postgres reads 0 as "no limit": the smallest limit it knows instead.
      await sql`set local lock_timeout = ${sql.lit(`${Math.max(1, timeoutMs)}ms`)}`.execute(trx);
      const names = projection.tables.map((t) => sql.table(t.name));
      await sql`lock table ${sql.join(names)} in access exclusive mode`.execute(trx);
      // Read only now: every record a live writer applied before the lock is below these ends.
      const ends = await beforeDeadline(logEnds(env.kafka, topics), deadline, timedOut("the log's ends"));
      await beforeDeadline(reader.stopAt(ends), deadline, timedOut("the log's tail"));
      await projection.finish?.(trx.withSchema(schema));
      const differences: TableDifference[] = [];
      for (const table of projection.tables)
        differences.push(await applyShadow(trx, schema, table, removeExtra, seeded));
      return { differences, switched: true };
    });
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw timedOut("the live tables' lock")();
    throw error;
  }
}
