import type { Database } from '@df/db';
import { type Kysely, sql } from 'kysely';
import type { ProjectedTable } from './projection.ts';

/**
 * Inserts many rows in one statement with a single parameter (the rows as JSON, expanded by
 * `json_populate_recordset` into the table's own row type), skipping rows a unique key already holds: a
 * rebuild's bulk write, several times cheaper than a multi-row VALUES list of thousands of parameters.
 * JSON and JSONB columns take the value itself, not its text. `db` may be a shadow schema's (`withSchema`):
 * the row type is then the shadow table's too (`sql.table` takes the schema). Naming the live table's type
 * would take a lock on it, which waits for the switch's exclusive lock while the switch waits for this write.
 */
export async function insertRowsIgnoringDuplicates(
  db: Kysely<Database>,
  table: ProjectedTable,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first);
  await db
    .insertInto(table)
    .columns(columns as never)
    .expression(
      sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)})`,
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}
