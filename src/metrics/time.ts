/** A fast timestamp parser for the handlers that pair flows by time. */
import { timeMillis } from '../flow/index.js';

function digit(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** Days from 1970-01-01 to the first day of a month (1–12) of a year ≥ 1970 (proleptic Gregorian). */
function monthStartDays(year: number, month: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5);
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Epoch milliseconds of an RFC 3339 timestamp. Canonical UTC strings
 * (`2024-05-01T12:00:00.123456789Z`, the form decoded flows carry) are parsed by hand;
 * anything else goes through the flow module's full parser. NaN when invalid or absent.
 */
export function fastMillis(s: string | undefined): number {
  if (s === undefined) return NaN;
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 84)
    return timeMillis(s);
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  // The arithmetic of Date.UTC, without the call, for the usual years and months (days and
  // times are linear there, as in Date.UTC, whatever the digits).
  const ms =
    year >= 1970 && year <= 9999 && month >= 1 && month <= 12
      ? (monthStartDays(year, month) + day - 1) * 86_400_000 +
        hour * 3_600_000 +
        minute * 60_000 +
        second * 1000
      : Date.UTC(year, month - 1, day, hour, minute, second);
  if (n === 20) return ms;
  if (s.charCodeAt(19) !== 46 /* . */) return timeMillis(s);
  let frac = 0;
  let scale = 100;
  for (let i = 20; i < n - 1; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return timeMillis(s);
    frac += c * scale;
    scale /= 10;
  }
  return ms + frac;
}

/**
 * Whole seconds and nanoseconds of a timestamp, exact to the nanosecond (epoch milliseconds as
 * a double only keep about 0.25 µs near the present). Undefined when invalid.
 */
export function secondsNanos(s: string | undefined): [number, number] | undefined {
  const ms = fastMillis(s);
  if (!Number.isFinite(ms)) return undefined;
  const sec = Math.floor(ms / 1000);
  const dot = s!.indexOf('.', 19);
  if (dot < 0) return [sec, 0];
  let nanos = 0;
  let digits = 0;
  for (let i = dot + 1; i < s!.length && digits < 9; i++) {
    const c = s!.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    nanos = nanos * 10 + c;
    digits++;
  }
  for (; digits < 9; digits++) nanos *= 10;
  return [sec, nanos];
}
