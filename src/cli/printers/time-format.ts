/**
 * `--time-format` layouts of hubble v0.12.3 (Go time layouts re-implemented from the spec,
 * hubble-cli-observe.md §3). Fractions are truncated, never rounded; a missing or invalid
 * timestamp prints `N/A`.
 *
 * Hot path: the formatter caches the formatted text of the last whole second, so a stream of
 * canonical UTC timestamps costs one string compare and a few digit operations per flow.
 */
import { parseTime } from '../../flow/index.js';
import type { TimeFormat } from './types.js';
import { zoneOffsetFunction } from './time-zone.js';

/** Formats a canonical RFC 3339 timestamp (or undefined) for display. */
export type TimestampFormatter = (time: string | undefined) => string;

/** All layout names, in the order the spec lists them. */
export const timeFormats: readonly TimeFormat[] = [
  'StampMilli',
  'YearMonthDay',
  'YearMonthDayHour',
  'YearMonthDayHourMinute',
  'RFC3339',
  'RFC3339Milli',
  'RFC3339Micro',
  'RFC3339Nano',
  'RFC1123Z',
];

const BY_LOWER = new Map(timeFormats.map((f) => [f.toLowerCase(), f]));

/** Parses `--time-format` like hubble: case-insensitive, unknown names silently → StampMilli. */
export function parseTimeFormat(name: string): TimeFormat {
  return BY_LOWER.get(name.toLowerCase()) ?? 'StampMilli';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Go's Timestamp.IsValid range: 0001-01-01T00:00:00Z up to (excluding) 10000-01-01.
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300800;

/** Calendar fields of a moment in some zone. */
interface Civil {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

/** Days since 1970-01-01 → proleptic Gregorian date (H. Hinnant's civil_from_days). */
function civil(localSeconds: number): Civil {
  const days = Math.floor(localSeconds / 86400);
  const sod = localSeconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return {
    year,
    month,
    day,
    hour: Math.floor(sod / 3600),
    minute: Math.floor((sod % 3600) / 60),
    second: sod % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

function p2(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

function p4(n: number): string {
  return n < 10 ? '000' + n : n < 100 ? '00' + n : n < 1000 ? '0' + n : '' + n;
}

const ymd = (c: Civil): string => p4(c.year) + '-' + p2(c.month) + '-' + p2(c.day);
const hms = (c: Civil): string => p2(c.hour) + ':' + p2(c.minute) + ':' + p2(c.second);

/** Go `Z07` / `Z07:00` / `-0700` zone suffixes. */
function zone(offset: number, kind: 'short' | 'colon' | 'numeric'): string {
  if (offset === 0 && kind !== 'numeric') return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = p2(Math.floor(abs / 3600));
  const mm = p2(Math.floor((abs % 3600) / 60));
  return kind === 'short' ? sign + hh : kind === 'colon' ? sign + hh + ':' + mm : sign + hh + mm;
}

/** Go `.999…` (digits = 3/6/9): truncate, drop trailing zeros, drop the dot when empty. */
function trimmedFraction(nanos: number, digits: number): string {
  let v = Math.floor(nanos / 10 ** (9 - digits));
  if (v === 0) return '';
  let n = digits;
  while (v % 10 === 0) {
    v /= 10;
    n--;
  }
  return '.' + String(v).padStart(n, '0');
}

/** A layout split at the fraction so the per-second parts can be cached. */
interface Layout {
  head(c: Civil): string;
  frac(nanos: number): string;
  tail(offset: number): string;
}

const none = (): string => '';

const LAYOUTS: Record<TimeFormat, Layout> = {
  StampMilli: {
    head: (c) => MONTHS[c.month - 1] + ' ' + (c.day < 10 ? ' ' + c.day : '' + c.day) + ' ' + hms(c),
    frac: (n) => {
      const ms = Math.floor(n / 1e6);
      return ms < 10 ? '.00' + ms : ms < 100 ? '.0' + ms : '.' + ms;
    },
    tail: none,
  },
  YearMonthDay: { head: ymd, frac: none, tail: none },
  YearMonthDayHour: { head: (c) => ymd(c) + 'T' + p2(c.hour), frac: none, tail: (o) => zone(o, 'short') },
  YearMonthDayHourMinute: {
    head: (c) => ymd(c) + 'T' + p2(c.hour) + ':' + p2(c.minute),
    frac: none,
    tail: (o) => zone(o, 'short'),
  },
  RFC3339: { head: (c) => ymd(c) + 'T' + hms(c), frac: none, tail: (o) => zone(o, 'colon') },
  RFC3339Milli: {
    head: (c) => ymd(c) + 'T' + hms(c),
    frac: (n) => trimmedFraction(n, 3),
    tail: (o) => zone(o, 'colon'),
  },
  RFC3339Micro: {
    head: (c) => ymd(c) + 'T' + hms(c),
    frac: (n) => trimmedFraction(n, 6),
    tail: (o) => zone(o, 'colon'),
  },
  RFC3339Nano: {
    head: (c) => ymd(c) + 'T' + hms(c),
    frac: (n) => trimmedFraction(n, 9),
    tail: (o) => zone(o, 'colon'),
  },
  RFC1123Z: {
    head: (c) =>
      WEEKDAYS[c.weekday] + ', ' + p2(c.day) + ' ' + MONTHS[c.month - 1] + ' ' + p4(c.year) + ' ' + hms(c),
    frac: none,
    tail: (o) => ' ' + zone(o, 'numeric'),
  },
};

/** Nanoseconds from the fraction digits of a canonical timestamp; -1 if not all digits. */
function fractionNanos(s: string, start: number, end: number): number {
  let v = 0;
  let scale = 100_000_000;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || scale < 1) return -1;
    v += d * scale;
    scale /= 10;
  }
  return v;
}

/**
 * Builds a formatter for one layout and zone (`'UTC'`, `'local'` or an IANA name).
 * Throws `PrinterError` (INVALID_TIME_ZONE) for an unknown zone.
 *
 * @example createTimestampFormatter('StampMilli')('2024-05-01T02:03:04.120Z') === 'May  1 02:03:04.120'
 */
export function createTimestampFormatter(format: TimeFormat, timeZone = 'UTC'): TimestampFormatter {
  const layout = LAYOUTS[format];
  const offsetAt = zoneOffsetFunction(timeZone);
  let lastKey = '';
  let lastSeconds = NaN;
  let head = '';
  let tail = '';

  const prepare = (seconds: number): boolean => {
    if (seconds === lastSeconds) return true;
    if (!(seconds >= MIN_SECONDS && seconds < MAX_SECONDS)) return false;
    const offset = offsetAt(seconds);
    head = layout.head(civil(seconds + offset));
    tail = layout.tail(offset);
    lastSeconds = seconds;
    lastKey = '';
    return true;
  };

  return (time) => {
    if (!time) return 'N/A';
    const len = time.length;
    // Fast path: canonical UTC form `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`.
    if (len >= 20 && time.charCodeAt(len - 1) === 90 && (len === 20 || time.charCodeAt(19) === 46)) {
      const nanos = len === 20 ? 0 : fractionNanos(time, 20, len - 1);
      if (nanos >= 0) {
        const key = time.slice(0, 19);
        if (key !== lastKey) {
          const t = parseTime(key + 'Z');
          if (!t || !prepare(t.seconds)) return 'N/A';
          lastKey = key;
        }
        return head + layout.frac(nanos) + tail;
      }
    }
    const t = parseTime(time);
    if (!t || !prepare(t.seconds)) return 'N/A';
    return head + layout.frac(t.nanos) + tail;
  };
}
