/** Value formats the tools share: E.164 phone numbers and Aloware's timestamps. */

/** Aloware's timestamp format: `YYYY-MM-DD HH:MM:SS`, UTC, no zone. */
export function alowareTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Normalises a phone number to E.164 the way a NANP-centric tool does: 10 digits get `+1`, 11 digits starting
 * with 1 get `+`, a leading `+` with 8–15 digits is kept. Anything else is invalid (null).
 */
export function toE164(input: unknown): string | null {
  if (typeof input !== 'string' && typeof input !== 'number') return null;
  const text = String(input).trim();
  if (text === '') return null;
  const digits = text.replace(/\D/g, '');
  if (text.startsWith('+')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return null;
}
