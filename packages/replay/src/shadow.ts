import { randomBytes } from 'node:crypto';
import type { Database } from '@df/db';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { ShadowTable } from './projection.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A projection's shadow schemas: `rebuild_<projection>_<12 hex>`, so its leftovers can be told apart. */
const shadowPrefix = (projection: string) => `rebuild_${projection.replace(/[^a-z0-9]+/g, '_')}_`;

/**
 * Fresh tables shaped like the live ones, in a schema of their own (`rebuild_<projection>_<random>`), so the
 * projection's own typed writes land there through `withSchema`. Unlogged (a crashed rebuild starts again) and
 * with only the unique indexes the writes' conflict rules need (not those of `uniqueLiveOnly` columns).
 */
export async function createShadow(
  db: Kysely<Database>,
  projection: string,
  tables: readonly ShadowTable[],
): Promise<string> {
  const schema = `${shadowPrefix(projection)}${randomBytes(6).toString('hex')}`;
  await sql`create schema ${sql.id(schema)}`.execute(db);
  for (const { name, uniqueLiveOnly } of tables) {
    const shadow = sql.table(`${schema}.${name}`);
    await sql`create unlogged table ${shadow} (like ${sql.table(name)} including all)`.execute(db);
    const secondary = await sql<{ index: string }>`
      select c.relname as index from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = ${`${schema}.${name}`}::regclass and not i.indisunique`.execute(db);
    for (const { index } of secondary.rows)
      await sql`drop index ${sql.table(`${schema}.${index}`)}`.execute(db);
    if (uniqueLiveOnly?.length) {
      const loose = await sql<{ constraint: string }>`
        select c.conname as constraint from pg_constraint c
        where c.conrelid = ${`${schema}.${name}`}::regclass and c.contype = 'u'
          and (select array_agg(a.attname::text) from pg_attribute a
               where a.attrelid = c.conrelid and a.attnum = any(c.conkey)) <@ ${[...uniqueLiveOnly]}::text[]`.execute(
        db,
      );
      for (const { constraint } of loose.rows)
        await sql`alter table ${shadow} drop constraint ${sql.id(constraint)}`.execute(db);
    }
  }
  return schema;
}

export async function dropShadow(db: Kysely<Database>, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}

/**
 * Drops the shadows a rebuild of this projection left when its process died (its `finally` never ran).
 * Called by the one rebuild holding the projection's claim, so no shadow of it is in use.
 */
export async function dropLeftoverShadows(db: Kysely<Database>, projection: string): Promise<void> {
  const { rows } = await sql<{ schema: string }>`
    select nspname as schema from pg_namespace where nspname ~ ${`^${shadowPrefix(projection)}[0-9a-f]{12}$`}`.execute(
    db,
  );
  for (const { schema } of rows) await dropShadow(db, schema);
}

const seedOf = (schema: string, table: ShadowTable) => sql.table(`${schema}.seed_${table.name}`);

/**
 * Starts a rebuild from T on what the live table holds now (rows older records made are kept), and keeps that
 * copy (`seed_<table>`): at the switch, a row the records since T left as copied is not the rebuild's to
 * write, so a change the live service made after the copy (a lagging consumer catching up) stands.
 */
export async function seedShadow(db: Db, schema: string, table: ShadowTable): Promise<void> {
  const seed = seedOf(schema, table);
  await sql`create unlogged table ${seed} as select * from ${sql.table(table.name)}`.execute(db);
  await sql`create unique index on ${seed} (${sql.join(table.key.map((k) => sql.id(k)))})`.execute(db);
  await sql`insert into ${sql.table(`${schema}.${table.name}`)} select * from ${seed}`.execute(db);
}

const ref = (alias: string, column: string) => sql.ref(`${alias}.${column}`);

function comparable(table: ShadowTable, alias: string): RawBuilder<unknown> {
  const values = [
    ...table.compared.map((c) => ref(alias, c)),
    ...(table.comparedAsPresence ?? []).map((c) => sql`(${ref(alias, c)} is null)`),
  ];
  return sql`row(${sql.join(values)})`;
}

const sameKey = (table: ShadowTable, a: string, b: string) =>
  sql.join(
    table.key.map((k) => sql`${ref(a, k)} = ${ref(b, k)}`),
    sql` and `,
  );

const keptLive = (table: ShadowTable, alias: string) => (table.keepLive ? table.keepLive(alias) : sql`false`);

/**
 * Shadow rows the live table lacks or holds otherwise (left alone: live rows whose change is not on the log
 * yet) and, for a rebuild from T (`seeded`), that the records since T changed from the copy it started from.
 */
const differing = (table: ShadowTable, schema: string, seeded: boolean) => sql`
  from ${sql.table(`${schema}.${table.name}`)} as s
  where not exists (
    select 1 from ${sql.table(table.name)} as l
    where ${sameKey(table, 'l', 's')} and (${keptLive(table, 'l')} or ${comparable(table, 'l')} is not distinct from ${comparable(table, 's')})
  )${seeded ? changedSinceCopy(table, schema) : sql``}`;

const changedSinceCopy = (table: ShadowTable, schema: string) => sql` and not exists (
    select 1 from ${seedOf(schema, table)} as o
    where ${sameKey(table, 'o', 's')} and ${comparable(table, 'o')} is not distinct from ${comparable(table, 's')}
  )`;

/** Live rows no record of the log makes. */
const extra = (table: ShadowTable, schema: string) => sql`
  from ${sql.table(table.name)} as l
  where not exists (select 1 from ${sql.table(`${schema}.${table.name}`)} as s where ${sameKey(table, 'l', 's')})
    and not ${keptLive(table, 'l')}`;

export interface TableDifference {
  table: string;
  /** Rows the rebuild would add or change in the live table. */
  differing: number;
  /** Live rows the rebuild would remove (a full rebuild only). */
  extra: number;
}

export async function compareWithLive(
  db: Db,
  schema: string,
  table: ShadowTable,
  seeded = false,
): Promise<TableDifference> {
  const count = async (rows: RawBuilder<unknown>) =>
    Number((await sql<{ n: string }>`select count(*) as n ${rows}`.execute(db)).rows[0]?.n ?? 0);
  return {
    table: table.name,
    differing: await count(differing(table, schema, seeded)),
    extra: await count(extra(table, schema)),
  };
}

/**
 * Makes the live table equal to the shadow in the caller's transaction (which holds the live table's lock):
 * removes the live rows no record makes (`removeExtra`, a full rebuild), then inserts or overwrites the rows
 * that differ. Columns the log does not determine (working memory, leases) stay as the live service left them.
 */
export async function applyShadow(
  trx: Transaction<Database>,
  schema: string,
  table: ShadowTable,
  removeExtra: boolean,
  seeded: boolean,
): Promise<TableDifference> {
  const removed = removeExtra
    ? await sql`delete from ${sql.table(table.name)} as l where l.ctid in (select l.ctid ${extra(table, schema)})`.execute(
        trx,
      )
    : { numAffectedRows: 0n };
  const presence = table.comparedAsPresence ?? [];
  const columns = [...table.key, ...table.compared, ...presence, ...(table.insertOnly ?? [])];
  const updates = [
    ...table.compared.map((c) => sql`${sql.id(c)} = ${ref('excluded', c)}`),
    ...presence.map(
      (c) =>
        sql`${sql.id(c)} = case when (${ref('l', c)} is null) = (${ref('excluded', c)} is null) then ${ref('l', c)} else ${ref('excluded', c)} end`,
    ),
  ];
  const written = await sql`
    insert into ${sql.table(table.name)} as l (${sql.join(columns.map((c) => sql.id(c)))})
    select ${sql.join(columns.map((c) => ref('s', c)))} ${differing(table, schema, seeded)}
    on conflict (${sql.join(table.key.map((k) => sql.id(k)))}) do update set ${sql.join(updates)}`.execute(
    trx,
  );
  return {
    table: table.name,
    differing: Number(written.numAffectedRows ?? 0n),
    extra: Number(removed.numAffectedRows ?? 0n),
  };
}
