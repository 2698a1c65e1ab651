/**
 * Fast conversions between canonical RFC 3339 strings (the in-memory flow shape) and protobuf
 * Timestamp seconds/nanos, for the binary codec's hot path.
 */
import { parseTime, type TimeParts } from '../../../flow/index.js';
import { daysFromCivil, digitsAt as digits, formatTimeText } from '../../../util/time-text.js';

/** Canonical text of a protobuf Timestamp (a flat string; see src/util/time-text.ts). */
export const timestampText = formatTimeText;

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
