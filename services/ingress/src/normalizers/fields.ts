import { toE164 } from '@df/contracts';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** A non-empty trimmed string, or null. */
export function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Ids arrive as numbers (Aloware) or strings (GHL); downstream always sees strings. */
export function id(value: unknown): string | null {
  return text(value);
}

export function integer(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  return null;
}

export function email(value: unknown): string | null {
  return text(value)?.toLowerCase() ?? null;
}

export function phone(value: unknown): string | null {
  return toE164(value);
}

export function strings(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map(text).filter((s): s is string => s !== null);
}

/** Lower-case alphanumerics only, so `Contact Created`, `Contact-Created` and `contact.created` match. */
export function eventKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}
