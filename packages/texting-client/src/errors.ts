/** The closed set of failure kinds (the same model as the Aloware and GHL clients). */
export const TEXTING_ERROR_CODES = [
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

export type TextingErrorCode = (typeof TEXTING_ERROR_CODES)[number];

const RETRIABLE: ReadonlySet<TextingErrorCode> = new Set(['network', 'timeout', 'rate_limited', 'server']);

export interface TextingErrorInit {
  code: TextingErrorCode;
  operation: string;
  status?: number;
  /** The texting system's `error` text; never a request value or the API key. */
  serverMessage?: string;
  retryAfterMs?: number;
}

/** A failed texting-system call. Network, timeout, 429 and 5xx are retriable; 4xx and bad answers are not. */
export class TextingError extends Error {
  override readonly name = 'TextingError';
  readonly code: TextingErrorCode;
  readonly operation: string;
  readonly status: number | undefined;
  readonly retriable: boolean;
  readonly serverMessage: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: TextingErrorInit) {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    const detail = init.serverMessage ? `: ${init.serverMessage}` : '';
    super(`Texting ${init.operation} failed: ${init.code}${status}${detail}`);
    this.code = init.code;
    this.operation = init.operation;
    this.status = init.status;
    this.retriable = RETRIABLE.has(init.code);
    this.serverMessage = init.serverMessage;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The 409 "recipient opted out" answer: permanent; the caller records the opt-out. */
  get optedOut(): boolean {
    return this.code === 'conflict' && /opted out/i.test(this.serverMessage ?? '');
  }
}

export function isTextingError(error: unknown): error is TextingError {
  return error instanceof TextingError;
}

export function textingCodeForStatus(status: number): TextingErrorCode {
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
