/**
 * How the consumer runner treats a failure: `retry` the same record after a backoff (its key waits, so order
 * per entity is kept), `dead-letter` it with the reason and move on, or `pause` the whole consumer: a tool
 * refusing our credentials will refuse every record, so dead-lettering them all would only make a mess.
 */
export type FailureDisposition = 'retry' | 'dead-letter' | 'pause';

/** A failure that will likely pass if tried again: network, timeout, 429, 5xx, deadlock. */
export class RetriableError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.name = 'RetriableError';
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** A failure that will fail the same way every time: invalid data, 4xx. */
export class PermanentError extends Error {
  readonly retriable = false;
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

// Postgres SQLSTATEs worth another try: serialization failure, deadlock, too many connections,
// admin shutdown, cannot connect now, and the whole connection-exception class (08xxx).
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Errors say for themselves whether they are retriable (`retriable: true|false`, as the API clients' errors do);
 * otherwise transient database and network failures retry, and anything else is a bug or bad data: dead-letter it
 * rather than block the partition forever.
 */
export function classifyFailure(error: unknown): FailureDisposition {
  if (typeof error !== 'object' || error === null) return 'dead-letter';
  const e = error as { retriable?: unknown; code?: unknown; status?: unknown };
  if (e.status === 401 || e.status === 403 || e.code === 'auth_broken') return 'pause';
  if (e.retriable === true) return 'retry';
  if (e.retriable === false) return 'dead-letter';
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATES.has(e.code) || e.code.startsWith('08')))
    return 'retry';
  if (typeof e.code === 'string' && TRANSIENT_NODE_CODES.has(e.code)) return 'retry';
  return 'dead-letter';
}

export function failureReason(error: unknown): string {
  if (error instanceof PermanentError) return error.reason;
  if (error instanceof Error) return error.name;
  return 'unknown';
}
