/**
 * Fast canonical timestamps and UUIDs for generated flows. Simulated time is an integer number
 * of nanoseconds since the run start, so nanosecond precision survives (epoch nanoseconds do not
 * fit in a double).
 */
import { formatTime } from '../flow/index.js';
import type { Prng } from './prng.js';

/** Formats run-relative nanosecond offsets as Hubble timestamps (same output as formatTime). */
export class SimClock {
  private readonly startSec: number;
  private readonly startNanos: number;
  private cachedSec = NaN;
  private cachedPrefix = '';

  /** `startMs`: epoch milliseconds of offset 0 (integer). */
  constructor(readonly startMs: number) {
    this.startSec = Math.floor(startMs / 1000);
    this.startNanos = (startMs - this.startSec * 1000) * 1e6;
  }

  /** Epoch milliseconds of an offset (for callers that need a number). */
  epochMs(tNs: number): number {
    return this.startMs + tNs / 1e6;
  }

  /** The canonical RFC 3339 timestamp of offset `tNs` (an integer ≥ 0). */
  format(tNs: number): string {
    const total = this.startNanos + tNs;
    const sec = this.startSec + Math.floor(total / 1e9);
    const nanos = total % 1e9;
    if (sec !== this.cachedSec) {
      this.cachedSec = sec;
      const s = formatTime({ seconds: sec, nanos: 0 });
      this.cachedPrefix = s.slice(0, s.length - 1);
    }
    if (nanos === 0) return this.cachedPrefix + 'Z';
    // 1e9 + n has exactly ten digits: dropping the leading 1 zero-pads n to nine.
    if (nanos % 1_000_000 === 0)
      return this.cachedPrefix + '.' + String(1000 + nanos / 1_000_000).slice(1) + 'Z';
    if (nanos % 1000 === 0) return this.cachedPrefix + '.' + String(1_000_000 + nanos / 1000).slice(1) + 'Z';
    return this.cachedPrefix + '.' + String(1_000_000_000 + nanos).slice(1) + 'Z';
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/** A random (version 4, RFC 4122 variant) UUID drawn from `r`. */
export function uuidFrom(r: Prng): string {
  const b = (r.u32() & 0xffff0fff) | 0x00004000;
  const c = ((r.u32() & 0x3fffffff) | 0x80000000) >>> 0;
  return (
    hex32(r.u32()) +
    '-' +
    HEX[b >>> 24] +
    HEX[(b >>> 16) & 255] +
    '-' +
    HEX[(b >>> 8) & 255] +
    HEX[b & 255] +
    '-' +
    HEX[c >>> 24] +
    HEX[(c >>> 16) & 255] +
    '-' +
    HEX[(c >>> 8) & 255] +
    HEX[c & 255] +
    hex32(r.u32())
  );
}
