/** A record waiting behind its key's failure, kept byte for byte so it runs later exactly as it arrived. */
export interface ParkedRecord {
  key: string;
  topic: string;
  partition: number;
  offset: string;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Why the key was parked (the first record's failure); later records carry `behind-parked-key`. */
  reason: string;
  error: string;
  attempts: number;
}

export interface StoredParkedRecord extends ParkedRecord {
  id: string;
}

/**
 * Where keys that exhausted their retry budget wait, durably, while other keys flow. The runner only needs
 * this interface; service-runtime provides the Postgres table (a consumer group's rows are its own).
 */
export interface ParkingStore {
  /** Which of `keys` have records waiting. */
  parkedAmong(group: string, keys: string[]): Promise<Set<string>>;
  /** Appends records, in order, behind whatever their keys already have waiting; a new key is due at `retryAt`. */
  park(group: string, records: ParkedRecord[], retryAt: Date): Promise<void>;
  /** Keys due for another try, claimed for `leaseMs` so two members never retry one key at once. */
  claimDue(group: string, limit: number, leaseMs: number): Promise<string[]>;
  /** A key's waiting records, oldest first. */
  recordsOf(group: string, key: string): Promise<StoredParkedRecord[]>;
  /** Removes a record that ran (or was dead-lettered); forgets the key once nothing of it waits. */
  remove(group: string, key: string, id: string): Promise<void>;
  /** After a failed try: counts it, records why, and makes the key due after `delayFor(tries so far)`; returns that delay. */
  reschedule(
    group: string,
    key: string,
    error: string,
    delayFor: (retries: number) => number,
  ): Promise<number>;
  /** Makes a key due now (an operator's release); false when nothing of it waits. */
  release(group: string, key: string): Promise<boolean>;
}
