/** The one error type the GHL client throws. Its `message` never contains tokens or request/response bodies. */

export const GHL_ERROR_CODES = [
  'network',
  'timeout',
  'rate_limited',
  'server',
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'unprocessable',
  'auth_broken',
  'invalid_response',
] as const;
export type GhlErrorCode = (typeof GHL_ERROR_CODES)[number];

const RETRIABLE: ReadonlySet<GhlErrorCode> = new Set(['network', 'timeout', 'rate_limited', 'server']);

export interface GhlErrorDetails {
  status?: number;
  operation: string;
  locationId?: string;
  /** GHL's own error text(s), e.g. `property locationId should not exist`. Not part of `message`. */
  ghlMessages?: string[];
  /** `meta` of a GHL error body (duplicate contact: `{ contactId, matchingField }`). */
  meta?: Record<string, unknown>;
  cause?: unknown;
}

export class GhlError extends Error {
  override readonly name = 'GhlError';
  readonly code: GhlErrorCode;
  readonly status: number | undefined;
  readonly retriable: boolean;
  readonly operation: string;
  readonly locationId: string | undefined;
  readonly ghlMessages: string[];
  readonly meta: Record<string, unknown> | undefined;

  constructor(code: GhlErrorCode, details: GhlErrorDetails) {
    super(
      `GHL ${details.operation} failed: ${code}${details.status !== undefined ? ` (HTTP ${details.status})` : ''}`,
      details.cause !== undefined ? { cause: details.cause } : undefined,
    );
    this.code = code;
    this.status = details.status;
    this.retriable = RETRIABLE.has(code);
    this.operation = details.operation;
    this.locationId = details.locationId;
    this.ghlMessages = details.ghlMessages ?? [];
    this.meta = details.meta;
  }

  /** For a duplicate-contact 400 on create: the id of the contact that already exists. */
  get duplicateContactId(): string | undefined {
    const id = this.meta?.contactId;
    return typeof id === 'string' ? id : undefined;
  }
}

export function codeForStatus(status: number, messages: readonly string[] = []): GhlErrorCode {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 422) return 'unprocessable';
  // GHL answers an unknown id with 400 "… not found" (ghl-api.md §2.2).
  if (status === 400 && messages.some((m) => /not found/i.test(m))) return 'not_found';
  return 'bad_request';
}

export function isGhlError(error: unknown, code?: GhlErrorCode): error is GhlError {
  return error instanceof GhlError && (code === undefined || error.code === code);
}
