/** The closed set of failure kinds a caller decides on (retry, dead-letter, alert). */
export const ALOWARE_ERROR_CODES = [
  'network',
  'timeout',
  'rate_limited',
  'server',
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'invalid_response',
] as const;

export type AlowareErrorCode = (typeof ALOWARE_ERROR_CODES)[number];

const RETRIABLE: ReadonlySet<AlowareErrorCode> = new Set(['network', 'timeout', 'rate_limited', 'server']);

export interface AlowareErrorInit {
  code: AlowareErrorCode;
  operation: string;
  status?: number;
  /** Aloware's own message (`message`/`error`/first validation error); never a request value or the token. */
  serverMessage?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A failed Aloware call. `retriable` is true for network errors, timeouts, 429 and 5xx, false for every 4xx and
 * for answers that are not what the API promises (`invalid_response`, e.g. the SPA's HTML 200).
 */
export class AlowareError extends Error {
  override readonly name = 'AlowareError';
  readonly code: AlowareErrorCode;
  readonly operation: string;
  readonly status: number | undefined;
  readonly retriable: boolean;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: AlowareErrorInit) {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    const detail = init.serverMessage ? `: ${init.serverMessage}` : '';
    super(`Aloware ${init.operation} failed: ${init.code}${status}${detail}`, { cause: init.cause });
    this.code = init.code;
    this.operation = init.operation;
    this.status = init.status;
    this.retriable = RETRIABLE.has(init.code);
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
  }
}

export function isAlowareError(error: unknown): error is AlowareError {
  return error instanceof AlowareError;
}

/** Maps an HTTP status (not 2xx) to an error code. */
export function codeForStatus(status: number): AlowareErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'unprocessable';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'invalid_response';
}
