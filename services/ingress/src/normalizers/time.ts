const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes the zone is ahead of UTC at the given instant (negative west of Greenwich). */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instantMs))
      .map((p) => [p.type, p.value]),
  );
  const wallAsUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((wallAsUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * Reads a timestamp as an instant and returns it as ISO-8601 UTC, or null when it is not one. A zone-less
 * `YYYY-MM-DD HH:MM:SS` (Aloware) is wall-clock time in `timeZone`; one with `Z` or an offset is taken as is.
 */
export function toUtcIso(value: unknown, timeZone = 'UTC'): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const naive = HAS_ZONE.test(text) ? null : NAIVE.exec(text);
  if (naive) {
    const [, y, mo, d, h, mi, s, ms] = naive;
    const wallAsUtc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
    // Date.UTC rolls month 13 or hour 99 over instead of refusing it.
    if (new Date(wallAsUtc).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}`)
      return null;
    const millis = Number((ms ?? '0').padEnd(3, '0'));
    // Two passes: the offset at the first guess can differ from the offset at the answer near a DST switch.
    const guess = wallAsUtc - zoneOffsetMinutes(wallAsUtc, timeZone) * 60_000;
    const instant = wallAsUtc - zoneOffsetMinutes(guess, timeZone) * 60_000;
    return new Date(instant + millis).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
