import { type DestinationStream, pino } from 'pino';
import { maskFields, maskText } from './mask.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (service name, correlation id, ...). */
  child(fields: Record<string, unknown>): Logger;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Lines go to stdout synchronously: a process that exits right after logging (shutdown, refusal) loses none. */
function destination(write?: (line: string) => void): DestinationStream {
  if (!write) return pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) };
}

/** `root` carries no fields; each logger is one child of it with every binding merged (no key twice). */
function wrap(root: pino.Logger, bindings: Record<string, unknown>): Logger {
  const logger = root.child(bindings);
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!logger.isLevelEnabled(level)) return;
      // Masked here, not through pino's redaction: every string value, at any depth, whatever its key.
      if (fields) logger[level](maskFields(fields), maskText(msg));
      else logger[level](maskText(msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(root, { ...bindings, ...maskFields(fields) }),
  };
}

/**
 * JSON lines through pino, one per event: `time` (ISO), `level` (its name), `msg`, the base fields and the
 * call's fields, with personal data masked and secret-looking fields redacted (mask.ts); errors keep their
 * name, message, code and causes, never a payload. `LOG_LEVEL` picks the threshold (default info).
 */
export function createLogger(
  base: Record<string, unknown>,
  opts: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger {
  const wanted = opts.level ?? (process.env.LOG_LEVEL as LogLevel | undefined);
  const level = wanted && LEVELS.includes(wanted) ? wanted : 'info';
  const root = pino(
    {
      level,
      base: null, // no pid or hostname: the platform labels lines with them
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Our fields are masked before pino sees them; its own error serializer would add stacks and bodies.
      serializers: {},
    },
    destination(opts.write),
  );
  return wrap(root, maskFields(base));
}
