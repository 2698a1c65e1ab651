/**
 * Time keys: the store orders and bounds flows by (seconds, nanoseconds) pairs, exact to the
 * nanosecond, and accepts bounds as RFC 3339 strings, Dates or epoch milliseconds.
 */
import { parseTime } from '../flow/time.js';
import { daysFromCivil, digitsAt as digits, formatTimeText } from '../util/time-text.js';

/** A point in time accepted by the query API: RFC 3339 text, a Date, or epoch milliseconds. */
export type TimeInput = string | number | Date;

/** Seconds and nanoseconds since the epoch. */
export interface TimeKey {
  secs: number;
  nanos: number;
}

/** Thrown for an unparseable time bound. */
export class StoreTimeError extends Error {
  readonly code = 'STORE_BAD_TIME';
  constructor(value: unknown) {
    super(`invalid time bound: ${String(value)}`);
    this.name = 'StoreTimeError';
  }
}

/** Converts a TimeInput to a TimeKey; throws StoreTimeError when it is not a valid time. */
export function toTimeKey(t: TimeInput): TimeKey {
  if (typeof t === 'string') {
    const p = parseTime(t);
    if (!p) throw new StoreTimeError(t);
    return { secs: p.seconds, nanos: p.nanos };
  }
  const ms = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(ms)) throw new StoreTimeError(t);
  const secs = Math.floor(ms / 1000);
  return { secs, nanos: Math.min(999_999_999, Math.round((ms - secs * 1000) * 1e6)) };
}

/** Compares (secs, nanos) pairs. */
export function cmpTime(aSecs: number, aNanos: number, b: TimeKey): number {
  return aSecs !== b.secs ? aSecs - b.secs : aNanos - b.nanos;
}

/** Epoch milliseconds (fractional) of a time key. */
export function keyMillis(secs: number, nanos: number): number {
  return secs * 1000 + nanos / 1e6;
}

/**
 * Formats a time the way Hubble prints it, as a flat string (src/util/time-text.ts: the
 * "YYYY-MM-DDTHH:MM:SS" prefix of the last second is cached, and the same time gives the same
 * string).
 */
export const formatTimeCached = formatTimeText;

/** RFC 3339 text of a time key. */
export function formatTimeKey(k: TimeKey): string {
  return formatTimeCached(k.secs, k.nanos);
}

let cacheKey = '';
let cacheSecs = 0;

/**
 * Parses a timestamp into `out`; returns false when it is invalid. Canonical UTC text (what
 * decodeEvent produces) takes a fast path without regex or Date, with the seconds of the last
 * "YYYY-MM-DDTHH:MM:SS" prefix cached; anything else falls back to parseTime.
 */
export function parseTimeInto(s: string, out: TimeKey): boolean {
  const n = s.length;
  if (
    (n === 20 || n === 24 || n === 27 || n === 30) &&
    s.charCodeAt(n - 1) === 90 /* Z */ &&
    (n === 20 || s.charCodeAt(19) === 46)
  ) {
    let secs: number;
    if (s.startsWith(cacheKey) && cacheKey !== '') {
      secs = cacheSecs;
    } else {
      const y = digits(s, 0, 4);
      const mo = digits(s, 5, 2);
      const d = digits(s, 8, 2);
      const h = digits(s, 11, 2);
      const mi = digits(s, 14, 2);
      const se = digits(s, 17, 2);
      const seps =
        s.charCodeAt(4) === 45 &&
        s.charCodeAt(7) === 45 &&
        s.charCodeAt(10) === 84 &&
        s.charCodeAt(13) === 58 &&
        s.charCodeAt(16) === 58;
      if (
        !seps ||
        y < 1970 ||
        mo < 1 ||
        mo > 12 ||
        d < 1 ||
        h < 0 ||
        h > 23 ||
        mi < 0 ||
        mi > 59 ||
        se < 0 ||
        se > 59
      )
        return slowParse(s, out);
      if (d > daysFromCivil(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, 1) - daysFromCivil(y, mo, 1))
        return false;
      secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
      cacheKey = s.slice(0, 19);
      cacheSecs = secs;
    }
    let nanos = 0;
    if (n > 20) {
      const f = digits(s, 20, n - 21);
      if (f < 0) return false;
      nanos = n === 24 ? f * 1_000_000 : n === 27 ? f * 1000 : f;
    }
    out.secs = secs;
    out.nanos = nanos;
    return true;
  }
  return slowParse(s, out);
}

function slowParse(s: string, out: TimeKey): boolean {
  const t = parseTime(s);
  if (!t) return false;
  out.secs = t.seconds;
  out.nanos = t.nanos;
  return true;
}
