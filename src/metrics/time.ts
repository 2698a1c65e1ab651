/** A fast timestamp parser for the handlers that pair flows by time. */
import { timeMillis } from '../flow/index.js';

function digit(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
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
  const ms = Date.UTC(
    digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3),
    digit(s, 5) * 10 + digit(s, 6) - 1,
    digit(s, 8) * 10 + digit(s, 9),
    digit(s, 11) * 10 + digit(s, 12),
    digit(s, 14) * 10 + digit(s, 15),
    digit(s, 17) * 10 + digit(s, 18),
  );
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
