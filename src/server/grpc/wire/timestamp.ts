/**
 * Fast conversions between canonical RFC 3339 strings (the in-memory flow shape) and protobuf
 * Timestamp seconds/nanos, for the binary codec's hot path.
 */
import { formatTime, parseTime, type TimeParts } from '../../../flow/index.js';

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian; H. Hinnant's algorithm). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

let lastIn = '';
let lastOut: TimeParts | undefined;

/**
 * Parses a timestamp into seconds and nanos. Canonical UTC strings (`...Z`) take a fast path
 * without regular expressions or Date objects; anything else goes through the full parser.
 */
export function timestampParts(s: string): TimeParts | undefined {
  // A flow's time and its response's time are the same string: parse it once.
  if (s === lastIn) return lastOut;
  lastOut = parseParts(s);
  lastIn = s;
  return lastOut;
}

function parseParts(s: string): TimeParts | undefined {
  const n = s.length;
  if (n >= 20 && s.charCodeAt(n - 1) === 90 /* Z */ && s.charCodeAt(10) === 84 /* T */) {
    const y = digits(s, 0, 4);
    const mo = digits(s, 5, 2);
    const d = digits(s, 8, 2);
    const h = digits(s, 11, 2);
    const mi = digits(s, 14, 2);
    const se = digits(s, 17, 2);
    if (
      y >= 1970 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= 31 &&
      h >= 0 &&
      h < 24 &&
      mi >= 0 &&
      mi < 60 &&
      se >= 0 &&
      se < 60
    ) {
      let nanos = 0;
      if (n > 20) {
        if (s.charCodeAt(19) !== 46 /* . */) return parseTime(s);
        const frac = n - 21;
        if (frac < 1 || frac > 9) return parseTime(s);
        const f = digits(s, 20, frac);
        if (f < 0) return parseTime(s);
        nanos = f * 10 ** (9 - frac);
      }
      return { seconds: daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se, nanos };
    }
  }
  return parseTime(s);
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
export function timestampText(seconds: number, nanos: number): string {
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
