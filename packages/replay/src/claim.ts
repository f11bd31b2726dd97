import type { Database } from '@df/db';
import { type Kysely, sql } from 'kysely';

const key = (name: string) => sql`hashtextextended(${`df-rebuild|${name}`}, 0)`;

/**
 * One rebuild of a projection at a time, across processes: two would each switch over, and one started from T
 * copies the live rows before the other repairs them, then writes the damage back at its own switch. A session
 * advisory lock on the session the rebuild holds throughout: if the process dies, Postgres releases it.
 */
export async function claimProjection(session: Kysely<Database>, projection: string): Promise<void> {
  const { rows } = await sql<{
    claimed: boolean;
  }>`select pg_try_advisory_lock(${key(projection)}) as claimed`.execute(session);
  if (!rows[0]?.claimed) {
    throw new Error(
      `a rebuild of ${projection} is already running: one at a time, try again once it is done`,
    );
  }
}

/** Before the session goes back to the pool, where the lock would otherwise stay. */
export async function releaseProjection(session: Kysely<Database>, projection: string): Promise<void> {
  await sql`select pg_advisory_unlock(${key(projection)})`.execute(session);
}
