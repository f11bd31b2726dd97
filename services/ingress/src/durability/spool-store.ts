import type { Database } from '@df/db';
import type { OutgoingRecord } from '@df/kafka';
import type { Kysely, Transaction } from 'kysely';

/** A record on its way to Kafka, with its topic and encoded size. */
export interface SpoolRecord extends OutgoingRecord {
  topic: string;
  bytes: number;
}

export interface SpooledRow extends SpoolRecord {
  seq: number;
  spooledAt: Date;
}

type Db = Kysely<Database> | Transaction<Database>;

const row = (r: SpoolRecord) => ({
  topic: r.topic,
  record_key: r.key,
  value: JSON.stringify(r.value),
  headers: JSON.stringify(r.headers ?? {}),
  bytes: r.bytes,
});

/** Appends records to the spool; `seq` keeps their arrival order. One statement, so all or none. */
export async function appendToSpool(db: Db, records: SpoolRecord[]): Promise<void> {
  await db.insertInto('ingress_spool').values(records.map(row)).execute();
}

/** Whether anything at all waits in the spool (an index-only probe, cheap enough to poll). */
export async function spoolHasRows(db: Db): Promise<boolean> {
  const found = await db.selectFrom('ingress_spool').select('seq').limit(1).executeTakeFirst();
  return found !== undefined;
}

/** Which of these (topic, key) pairs have records waiting in the spool. */
export async function keysWithBacklog(
  db: Db,
  pairs: Array<{ topic: string; key: string }>,
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const keys = [...new Set(pairs.map((p) => p.key))];
  const rows = await db
    .selectFrom('ingress_spool')
    .select(['topic', 'record_key'])
    .distinct()
    .where('record_key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => backlogId(r.topic, r.record_key)));
}

export const backlogId = (topic: string, key: string) => `${topic}\u0000${key}`;

/**
 * The oldest spooled records of the topics not in `skip`: at most `limit` of them and `maxBytes` together
 * (always at least one). Sizes are read first, so a backlog of large records is never loaded past the cap.
 */
export async function oldestSpooled(
  db: Db,
  limit: number,
  maxBytes: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<SpooledRow[]> {
  let sizes = db.selectFrom('ingress_spool').select(['seq', 'bytes']).orderBy('seq').limit(limit);
  if (skip.size > 0) sizes = sizes.where('topic', 'not in', [...skip]);
  const chosen: number[] = [];
  let bytes = 0;
  for (const r of await sizes.execute()) {
    if (chosen.length > 0 && bytes + r.bytes > maxBytes) break;
    bytes += r.bytes;
    chosen.push(r.seq);
  }
  if (chosen.length === 0) return [];
  const rows = await db
    .selectFrom('ingress_spool')
    .selectAll()
    .where('seq', 'in', chosen)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    topic: r.topic,
    key: r.record_key,
    value: JSON.parse(r.value) as unknown,
    headers: r.headers,
    bytes: r.bytes,
    spooledAt: r.spooled_at,
  }));
}

/** Removes exactly these rows: never a range, so a row that committed late with a lower `seq` survives. */
export async function removeFromSpool(db: Db, seqs: number[]): Promise<void> {
  if (seqs.length > 0) await db.deleteFrom('ingress_spool').where('seq', 'in', seqs).execute();
}

export async function setAside(db: Db, record: SpoolRecord, reason: string): Promise<void> {
  await db
    .insertInto('ingress_set_aside')
    .values({ ...row(record), reason })
    .execute();
}

export async function spoolDepths(
  db: Db,
): Promise<{ spooled: number; setAside: number; oldestSpooledAt: Date | null }> {
  const count = (table: 'ingress_spool' | 'ingress_set_aside') =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  const [spooled, setAside, oldest] = await Promise.all([
    count('ingress_spool'),
    count('ingress_set_aside'),
    db.selectFrom('ingress_spool').select('spooled_at').orderBy('seq').limit(1).executeTakeFirst(),
  ]);
  return { spooled, setAside, oldestSpooledAt: oldest?.spooled_at ?? null };
}

export interface SetAsideSummary {
  id: number;
  topic: string;
  key: string;
  bytes: number;
  reason: string;
  setAsideAt: Date;
}

/** What an operator sees of set-aside records: where they were going and why not, never their payloads. */
export async function listSetAside(db: Db, limit = 100): Promise<SetAsideSummary[]> {
  const rows = await db
    .selectFrom('ingress_set_aside')
    .select(['id', 'topic', 'record_key', 'bytes', 'reason', 'set_aside_at'])
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    topic: r.topic,
    key: r.record_key,
    bytes: r.bytes,
    reason: r.reason,
    setAsideAt: r.set_aside_at,
  }));
}

/**
 * Puts set-aside records back at the end of the spool (after the cause was fixed, e.g. the broker's
 * `max.message.bytes` raised), in one transaction. Returns how many moved.
 */
export async function retrySetAside(db: Kysely<Database>, ids: number[] | 'all'): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let query = trx.deleteFrom('ingress_set_aside').returningAll();
    if (ids !== 'all') query = query.where('id', 'in', ids.length > 0 ? ids : [-1]);
    const rows = await query.execute();
    if (rows.length === 0) return 0;
    const ordered = rows.sort((a, b) => a.id - b.id);
    await appendToSpool(
      trx,
      ordered.map((r) => ({
        topic: r.topic,
        key: r.record_key,
        value: JSON.parse(r.value) as unknown,
        headers: r.headers,
        bytes: r.bytes,
      })),
    );
    return rows.length;
  });
}

/** Drops set-aside records for good. Returns how many went. */
export async function discardSetAside(db: Db, ids: number[] | 'all'): Promise<number> {
  let query = db.deleteFrom('ingress_set_aside');
  if (ids !== 'all') query = query.where('id', 'in', ids.length > 0 ? ids : [-1]);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
