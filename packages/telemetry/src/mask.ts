/**
 * Personal data never reaches a log line whole: phones keep their last 4 digits, e-mails the first letter and
 * the domain. Applied to every string value a logger writes, so a field that was not expected to carry PII is
 * still masked.
 */
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
// E.164 or loosely formatted numbers of 7+ digits (optionally with +, spaces, dashes, dots, parentheses).
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const PHONE = /\+?\(?\d[\d\s().-]{5,}\d/g;
// Event and correlation ids: their digit runs are no phone numbers, and a masked id cannot be followed.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function maskPiece(text: string): string {
  return text
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(PHONE, (match) => {
      if (ISO_DATE.test(match)) return match;
      const digits = match.replace(/\D/g, '');
      return digits.length >= 7 ? `***${digits.slice(-4)}` : match;
    });
}

export function maskText(text: string): string {
  let out = '';
  let last = 0;
  for (const id of text.matchAll(UUID)) {
    out += maskPiece(text.slice(last, id.index)) + id[0];
    last = id.index + id[0].length;
  }
  return out + maskPiece(text.slice(last));
}

/** Keys whose values are never logged at all, only their presence. */
const SECRET_KEYS =
  /pass(word)?|secret|token|authorization|api[_-]?key|signature|cookie|body|message|raw|payload/i;

/**
 * What a log line keeps of an error: its name, masked message, code (`ECONNREFUSED`, `GHL_RATE_LIMITED`), HTTP
 * status and whether it is retriable, and the same of its causes (a few levels). Never its stack's frames'
 * arguments, nor fields such as a response body a client may have attached.
 */
export function describeError(error: Error, depth = 0): Record<string, unknown> {
  const e = error as Error & { code?: unknown; status?: unknown; retriable?: unknown; cause?: unknown };
  const out: Record<string, unknown> = { name: e.name, message: maskText(e.message) };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (typeof e.status === 'number') out.status = e.status;
  if (typeof e.retriable === 'boolean') out.retriable = e.retriable;
  if (e.cause !== undefined && depth < 3) {
    out.cause =
      e.cause instanceof Error ? describeError(e.cause, depth + 1) : maskText(String(e.cause)).slice(0, 200);
  }
  return out;
}

export function maskFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SECRET_KEYS.test(key) && key !== 'msg') out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = maskText(value);
    else if (value instanceof Error) out[key] = describeError(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = maskFields(value as Record<string, unknown>);
    } else out[key] = value;
  }
  return out;
}
