import type { ConsumerGroup } from '@df/contracts';
import type { Database } from '@df/db';
import type { LogRecord } from '@df/kafka';
import type { Kysely, RawBuilder } from 'kysely';

export type ProjectedTable = keyof Database & string;

/** How one table of a projection is compared with its live copy and switched over. */
export interface ShadowTable {
  name: ProjectedTable;
  key: readonly string[];
  /** Columns the log determines: compared at the switch, and taken from the rebuild when they differ. */
  compared: readonly string[];
  /** Compared by being set or not: a time the log knows only as a yes/no (a mapping closed, a status settled). */
  comparedAsPresence?: readonly string[];
  /**
   * Columns unique in the live table but not in the shadow: the log's records, read partition by partition or
   * relayed in another order than the live changes, pass through states the live table never held (an Aloware
   * contact moving from one mapping to another). The switch still meets the live table's rule.
   */
  uniqueLiveOnly?: readonly string[];
  /** Written only into rows the live table lacks: NOT NULL columns the log does not determine. */
  insertOnly?: readonly string[];
  /**
   * Live rows the switch leaves as they are, because their change is not on the log yet (an outbox waiting to
   * be relayed): `live` is the live table's alias.
   */
  keepLive?: (live: string) => RawBuilder<boolean>;
}

/**
 * A projection as a pure function of the log: what it reads, how a stored value becomes a record of its own
 * (`decode`, null for values it ignores), and how records become rows (`write`, idempotent, given a database
 * whose tables are the projection's shadow tables). No tool client is reachable from here: a rebuild cannot
 * call GHL, Aloware or the texting system because nothing it runs holds one.
 */
export interface Projection<R> {
  name: string;
  /** The live consumer group that maintains these tables. */
  group: ConsumerGroup;
  /** Unprefixed topic names. */
  topics: readonly string[];
  /** In the order the live writers lock them (the switch locks them in this order too). */
  tables: readonly ShadowTable[];
  decode(value: unknown, record: LogRecord): R | null;
  write(db: Kysely<Database>, records: R[]): Promise<void>;
  /** Set-based completion once the records are in (e.g. statuses derived from several records). */
  finish?(db: Kysely<Database>): Promise<void>;
}
