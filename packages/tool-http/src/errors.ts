/**
 * The one error type the three tool clients throw. A caller decides on `code` and `retriable` (retry, dead-letter,
 * pause the service), never on the tool. `message` carries no tokens, request values or server texts (which can
 * echo a phone number or an e-mail back); the server's texts are in `serverMessages` for whoever needs them.
 */

export const TOOL_ERROR_CODES = [
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
  /** An OAuth connection whose refresh was refused: a re-install is needed, retrying will not help. */
  'auth_broken',
  /** A 2xx (or accepted) answer that is not what the API promises: not JSON, or the wrong shape. */
  'invalid_response',
] as const;
export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export type ToolName = 'ghl' | 'aloware' | 'texting';

const RETRIABLE: ReadonlySet<ToolErrorCode> = new Set(['network', 'timeout', 'rate_limited', 'server']);
const LABEL: Record<ToolName, string> = { ghl: 'GHL', aloware: 'Aloware', texting: 'Texting' };

export interface ToolErrorDetails {
  tool: ToolName;
  operation: string;
  status?: number;
  /** The tool's own error text(s), e.g. `property locationId should not exist`. Not part of `message`. */
  serverMessages?: string[];
  /** `meta` of an error body (GHL's duplicate contact: `{ contactId, matchingField }`). */
  meta?: Record<string, unknown>;
  /** From `Retry-After`: the consumer runner waits this long before its next attempt. */
  retryAfterMs?: number;
  locationId?: string;
  /** Only causes that cannot carry a secret (never a fetch error whose URL holds a token). */
  cause?: unknown;
}

export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly tool: ToolName;
  readonly code: ToolErrorCode;
  readonly operation: string;
  readonly status: number | undefined;
  readonly retriable: boolean;
  readonly serverMessages: string[];
  readonly meta: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly locationId: string | undefined;

  constructor(code: ToolErrorCode, details: ToolErrorDetails) {
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`;
    super(
      `${LABEL[details.tool]} ${details.operation} failed: ${code}${status}`,
      details.cause !== undefined ? { cause: details.cause } : undefined,
    );
    this.tool = details.tool;
    this.code = code;
    this.operation = details.operation;
    this.status = details.status;
    this.retriable = RETRIABLE.has(code);
    this.serverMessages = details.serverMessages ?? [];
    this.meta = details.meta;
    this.retryAfterMs = details.retryAfterMs;
    this.locationId = details.locationId;
  }

  /** The tool's first error text, if it gave one. */
  get serverMessage(): string | undefined {
    return this.serverMessages[0];
  }
}

export function isToolError(error: unknown, code?: ToolErrorCode): error is ToolError {
  return error instanceof ToolError && (code === undefined || error.code === code);
}
