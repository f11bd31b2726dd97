import { isToolError, type ToolError, type ToolErrorCode } from '@df/tool-http';

/** A `ToolError` from GHL (optionally of one code). */
export function isGhlError(error: unknown, code?: ToolErrorCode): error is ToolError {
  return isToolError(error, code) && error.tool === 'ghl';
}

/** For a duplicate-contact 400 on create: the id of the contact that already exists. */
export function duplicateContactId(error: ToolError): string | undefined {
  const id = error.meta?.contactId;
  return typeof id === 'string' ? id : undefined;
}

/** GHL's error bodies: `message` (string or list), or OAuth's `error` / `error_description`; `meta` on duplicates. */
export function readErrorBody(json: unknown): { serverMessages: string[]; meta?: Record<string, unknown> } {
  if (!json || typeof json !== 'object') return { serverMessages: [] };
  const body = json as Record<string, unknown>;
  const raw = body.message ?? body.error_description ?? body.error;
  const serverMessages = Array.isArray(raw) ? raw.map(String) : raw !== undefined ? [String(raw)] : [];
  const meta =
    body.meta && typeof body.meta === 'object' ? (body.meta as Record<string, unknown>) : undefined;
  return { serverMessages, ...(meta && { meta }) };
}
