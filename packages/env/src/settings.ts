import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/**
 * One environment variable, parsed: an empty value counts as unset (`.env` files and compose files write
 * `NAME=`), unset takes `fallback`, and anything `parse` rejects is an issue that says what was expected and
 * what was found. `secret` settings never repeat their value in that message.
 */
export type Setting<T> = z.ZodType<T, string | undefined>;

function setting<T>(
  expected: string,
  parse: (raw: string) => T | undefined,
  fallback: T,
  options: { secret?: boolean } = {},
): Setting<T> {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = parse(raw.trim());
      if (value !== undefined) return value;
      const shown = options.secret ? '(value not shown)' : `got ${quote(raw)}`;
      ctx.addIssue({ code: 'custom', message: `expected ${expected}, ${shown}` });
      return z.NEVER;
    });
}

const quote = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);

const wholeNumber = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : undefined);

/** Free text (names, tokens, prefixes). */
export function text(): Setting<string | undefined>;
export function text(fallback: string): Setting<string>;
export function text(fallback?: string): Setting<string | undefined> {
  return setting('text', (raw) => raw, fallback);
}

/** Comma-separated values, trimmed, empty entries dropped. */
export const list = () =>
  setting(
    'a comma-separated list',
    (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    [] as string[],
  );

/**
 * A count of `unit` (seconds, bytes, ...): digits only, so `5m` or `1MB` are refused instead of becoming NaN
 * and switching a protection off.
 */
export const positiveInt = (fallback: number, unit?: string) =>
  setting(
    unit ? `a whole number of ${unit}` : 'a positive whole number',
    (raw) => {
      const n = wholeNumber(raw);
      return n !== undefined && n > 0 && Number.isSafeInteger(n) ? n : undefined;
    },
    fallback,
  );

/** Like `positiveInt`, where zero is meaningful (a latency, a count that may be none). */
export const nonNegativeInt = (fallback: number, unit?: string) =>
  setting(
    unit ? `a whole number of ${unit}` : 'a whole number',
    (raw) => {
      const n = wholeNumber(raw);
      return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
    },
    fallback,
  );

/** A TCP port; 0 lets the system pick one (tests). */
export function port(): Setting<number | undefined>;
export function port(fallback: number): Setting<number>;
export function port(fallback?: number): Setting<number | undefined> {
  return setting(
    'a port number (0-65535)',
    (raw) => {
      const n = wholeNumber(raw);
      return n !== undefined && n <= 65535 ? n : undefined;
    },
    fallback,
  );
}

/** `true` or `false`, nothing else: a typo must not silently mean either. */
export const bool = (fallback: boolean) =>
  setting('true or false', (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined), fallback);

/** An absolute URL with one of `protocols` (default http and https). */
export const url = (
  fallback: string | undefined,
  options: { protocols?: string[]; secret?: boolean } = {},
): Setting<string | undefined> => {
  const protocols = options.protocols ?? ['http:', 'https:'];
  return setting(
    `a ${protocols.map((p) => `${p}//`).join(' or ')} URL`,
    (raw) => (URL.canParse(raw) && protocols.includes(new URL(raw).protocol) ? raw : undefined),
    fallback,
    options,
  );
};

/** Same as `url`, for settings that always have a value. */
export const requiredUrl = (fallback: string, options: { protocols?: string[]; secret?: boolean } = {}) =>
  url(fallback, options) as Setting<string>;

/** Kafka bootstrap servers: `host:port[,host:port...]`. */
export const brokers = (fallback: string[]) =>
  setting(
    'comma-separated host:port pairs',
    (raw) => {
      const list = raw.split(',').map((s) => s.trim());
      return list.every((b) => /^[^\s:,]+:\d{1,5}$/.test(b)) ? list : undefined;
    },
    fallback,
  );

/** An IANA zone name; checked here so a typo fails at start, not at the first timestamp it formats. */
export const timeZone = (fallback: string) =>
  setting(
    'an IANA time zone such as America/New_York',
    (raw) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: raw });
        return raw;
      } catch {
        return undefined;
      }
    },
    fallback,
  );

/** One of a fixed set of words. */
export const oneOf = <const T extends string>(values: readonly T[], fallback: T) =>
  setting(
    `one of ${values.join(', ')}`,
    (raw) => (values.includes(raw as T) ? (raw as T) : undefined),
    fallback,
  );

/**
 * A PEM public key. Literal `\n` sequences are turned into line breaks, since many deployment tools cannot
 * carry a multi-line value.
 */
export const publicKeyPem = (fallback: string) =>
  setting(
    'a PEM public key (-----BEGIN PUBLIC KEY-----...)',
    (raw) => {
      const pem = raw.replace(/\\n/g, '\n');
      try {
        createPublicKey(pem);
        return pem;
      } catch {
        return undefined;
      }
    },
    fallback,
  );

/**
 * A 32-byte key (AES-256), as base64/base64url or 64 hex characters. Checked at start so a short or mistyped key
 * fails there, not at the first token written; never repeated in an error.
 */
export const aes256Key = () =>
  setting(
    'a 32-byte key, base64 or 64 hex characters',
    (raw) => {
      const bytes = /^[0-9a-fA-F]{64}$/.test(raw)
        ? Buffer.from(raw, 'hex')
        : /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)
          ? Buffer.from(raw, 'base64')
          : undefined;
      return bytes?.length === 32 ? raw : undefined;
    },
    undefined as string | undefined,
    { secret: true },
  );
