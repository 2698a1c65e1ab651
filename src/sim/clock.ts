/**
 * Fast canonical timestamps and UUIDs for generated flows. Simulated time is an integer number
 * of nanoseconds since the run start, so nanosecond precision survives (epoch nanoseconds do not
 * fit in a double).
 */
import { formatTime } from '../flow/index.js';
import type { Prng } from './prng.js';

/** Formats run-relative nanosecond offsets as Hubble timestamps (same output as formatTime). */
export class SimClock {
  /** Epoch seconds and nanoseconds of offset 0. */
  readonly startSec: number;
  readonly startNanos: number;
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

/**
 * Writes the timestamps of a SimClock as bytes straight from run offsets: the text of
 * `clock.format(tNs)` without making it a string. Keeps its own per-second prefix, as the
 * offsets it writes (in output order) run behind those the clock formats (as flows are made).
 */
export class TimeWriter {
  private sec = NaN;
  private prefix = new Uint8Array(0);

  constructor(readonly clock: SimClock) {}

  /**
   * Writes the timestamp of offset `tNs` to `b` at `p` (at most 40 bytes) and returns the end,
   * or returns -1 without writing when `tNs` is not a whole number of nanoseconds ≥ 0 (or the
   * date does not fit in 40 bytes).
   */
  write(b: Uint8Array, p: number, tNs: number): number {
    if (!(tNs >= 0) || tNs !== Math.floor(tNs)) return -1;
    const c = this.clock;
    const total = c.startNanos + tNs;
    const sec = c.startSec + Math.floor(total / 1e9);
    let nanos = total % 1e9;
    if (sec !== this.sec) {
      const text = formatTime({ seconds: sec, nanos: 0 });
      if (text.length > 29) return -1; // 28 bytes before the fraction (19 for years 0-9999)
      this.sec = sec;
      this.prefix = Buffer.from(text.slice(0, text.length - 1), 'latin1');
    }
    const pre = this.prefix;
    for (let i = 0; i < pre.length; i++) b[p + i] = pre[i];
    p += pre.length;
    if (nanos !== 0) {
      let n = 9;
      if (nanos % 1_000_000 === 0) {
        nanos /= 1_000_000;
        n = 3;
      } else if (nanos % 1000 === 0) {
        nanos /= 1000;
        n = 6;
      }
      b[p] = 46; // .
      for (let i = n; i > 0; i--) {
        const q = (nanos / 10) | 0;
        b[p + i] = 48 + nanos - q * 10;
        nanos = q;
      }
      p += n + 1;
    }
    b[p] = 90; // Z
    return p + 1;
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** ASCII codes of the two hex digits of each byte value: HEX_CODES[2b], HEX_CODES[2b+1]. */
const HEX_CODES = Uint8Array.from(HEX.join(''), (c) => c.charCodeAt(0));

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/**
 * The words of a random (version 4, RFC 4122 variant) UUID drawn from `r`, in text order:
 * time_low, the version word (time_mid and time_hi_and_version), the variant word (clock
 * sequence and the first two node bytes) and the last four node bytes.
 */
export function drawUuid(r: Prng, out: Uint32Array): void {
  // Drawn in this order since the first simulator versions: a seed gives the same UUIDs.
  const b = (r.u32() & 0xffff0fff) | 0x00004000;
  const c = (r.u32() & 0x3fffffff) | 0x80000000;
  out[0] = r.u32();
  out[1] = b;
  out[2] = c;
  out[3] = r.u32();
}

/** The text of UUID words (see drawUuid). */
export function uuidText(a: number, b: number, c: number, d: number): string {
  return (
    hex32(a) +
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
    hex32(d)
  );
}

/** Writes two hex digits per byte of the `n` high bytes of `x` (n ≤ 4) to `b` at `p`; returns the end. */
function hexBytes(b: Uint8Array, p: number, x: number, n: number): number {
  for (let k = 24; n > 0; n--, k -= 8) {
    const i = ((x >>> k) & 255) << 1;
    b[p++] = HEX_CODES[i];
    b[p++] = HEX_CODES[i + 1];
  }
  return p;
}

/** Writes the 36 bytes of `uuidText(a, b, c, d)` to `buf` at `p`; returns the end. */
export function writeUuid(buf: Uint8Array, p: number, a: number, b: number, c: number, d: number): number {
  p = hexBytes(buf, p, a, 4);
  buf[p++] = 45; // -
  p = hexBytes(buf, p, b, 2);
  buf[p++] = 45;
  p = hexBytes(buf, p, b << 16, 2);
  buf[p++] = 45;
  p = hexBytes(buf, p, c, 2);
  buf[p++] = 45;
  p = hexBytes(buf, p, c << 16, 2);
  return hexBytes(buf, p, d, 4);
}

const words = new Uint32Array(4);

/** A random (version 4, RFC 4122 variant) UUID drawn from `r`. */
export function uuidFrom(r: Prng): string {
  drawUuid(r, words);
  return uuidText(words[0], words[1], words[2], words[3]);
}
