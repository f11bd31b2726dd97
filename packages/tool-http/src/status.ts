import type { ToolErrorCode } from './errors.ts';

/** Maps a non-2xx HTTP status (and the server's texts) to an error code. */
export function codeForStatus(status: number, serverMessages: readonly string[] = []): ToolErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'unprocessable';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  // GHL answers an unknown id with 400 "… not found" (ghl-api.md §2.2).
  if (status === 400 && serverMessages.some((m) => /not found/i.test(m))) return 'not_found';
  if (status >= 400) return 'bad_request';
  return 'invalid_response';
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
