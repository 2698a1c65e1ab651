/**
 * RFC 3339 text of flow times, shared by the gRPC codec (decoding Timestamps) and the ring
 * (rebuilding events), and the small date helpers of both time parsers. Node-only (Buffer).
 */
import { formatTime } from '../flow/time.js';

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The decimal number in s[i, i+n), or -1 when a character there is not a digit. */
export function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

let lastSeconds = NaN;
let lastNanos = NaN;
let lastResult = '';
/** `YYYY-MM-DDTHH:MM:SS` of lastSeconds, as bytes, followed by room for `.nnnnnnnnnZ`. */
const scratch = Buffer.alloc(30);
const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice: (this: Uint8Array, s: number, e: number) => string }
).latin1Slice;

/**
 * Formats seconds+nanos canonically (as formatTime does, with 0, 3, 6 or 9 fraction digits),
 * caching the last whole-second prefix (flows come in bursts).
 *
 * The text is written as bytes and decoded once, so it is a flat string: built by concatenation
 * it was a tree of parts that the ring's time parse and every comparison flattened again. The
 * last result is returned again for the same time, so an event's `time` and its flow's `time`
 * (equal in Hubble's responses) are one string, and compare by pointer.
 */
export function formatTimeText(seconds: number, nanos: number): string {
  if (seconds === lastSeconds && nanos === lastNanos) return lastResult;
  if (seconds !== lastSeconds) {
    const text = formatTime({ seconds, nanos: 0 });
    // formatTime's prefix is 19 ASCII characters for years 0000-9999; anything else (or a
    // non-integer input) takes the general formatter.
    if (text.length !== 20 || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
      lastSeconds = NaN;
      return formatTime({ seconds, nanos });
    }
    scratch.write(text, 0, 19, 'latin1');
    lastSeconds = seconds;
  } else if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999)
    return formatTime({ seconds, nanos });
  let digits = 0;
  let v = nanos;
  if (nanos !== 0) {
    if (nanos % 1_000_000 === 0) {
      digits = 3;
      v = nanos / 1_000_000;
    } else if (nanos % 1000 === 0) {
      digits = 6;
      v = nanos / 1000;
    } else digits = 9;
  }
  let end = 19;
  if (digits > 0) {
    scratch[19] = 46; // .
    for (let i = 19 + digits; i > 19; i--) {
      scratch[i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    end = 20 + digits;
  }
  scratch[end] = 90; // Z
  lastNanos = nanos;
  lastResult = latin1Slice.call(scratch, 0, end + 1);
  return lastResult;
}
