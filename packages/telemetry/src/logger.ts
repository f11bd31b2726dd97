import { maskFields, maskText } from './mask.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (service name, correlation id, ...). */
  child(fields: Record<string, unknown>): Logger;
}

/**
 * JSON lines on stdout, one per event, with personal data masked and secret-looking fields redacted.
 * `LOG_LEVEL` picks the threshold (default info).
 */
export function createLogger(
  base: Record<string, unknown>,
  opts: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger {
  const threshold =
    ORDER[opts.level ?? (process.env.LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? ORDER.info;
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg: maskText(msg),
        ...maskFields({ ...base, ...fields }),
      }),
    );
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }, opts),
  };
}
