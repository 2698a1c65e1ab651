/**
 * A growable byte buffer that JSON text is written into piece by piece. Writing the pieces of
 * a line straight into bytes avoids building the line as a JavaScript string first: a string
 * made of dozens of concatenated pieces has to be flattened before it can be encoded, and that
 * flattening cost as much as generating the flow (bench/simulate.ts).
 */
/** Strings up to this length are copied in JavaScript, longer ones natively (measured). */
const SHORT = 32;

/** Buffer's native writers, which @types/node does not declare. */
declare module 'node:buffer' {
  interface Buffer {
    utf8Write(s: string, offset: number): number;
    latin1Write(s: string, offset: number): number;
  }
}

/** Number of decimal digits of an integer in [0, 2^31). */
function digits(v: number): number {
  let n = 1;
  while (v >= 10) {
    v = (v / 10) | 0;
    n++;
  }
  return n;
}

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Appends `s` as UTF-8. Short strings are copied by a loop (a native call costs more than
   * copying a dozen characters); longer ones by one native write.
   */
  str(s: string): void {
    const n = s.length;
    if (this.pos + n * 3 > this.buf.length) this.reserve(n * 3);
    if (n > SHORT) {
      this.pos += this.buf.utf8Write(s, this.pos);
      return;
    }
    const b = this.buf;
    const start = this.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) break;
      b[start + i] = c;
    }
    this.pos = i === n ? start + n : start + b.utf8Write(s, start);
  }

  /** Appends `s`, which the caller knows to be ASCII (times, uuids, enum names, numbers, IPs). */
  ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.reserve(n);
    if (n > SHORT) {
      this.pos += this.buf.latin1Write(s, this.pos);
      return;
    }
    const b = this.buf;
    const start = this.pos;
    for (let i = 0; i < n; i++) b[start + i] = s.charCodeAt(i);
    this.pos = start + n;
  }

  /** Appends bytes. */
  bytes(x: Uint8Array): void {
    this.reserve(x.length);
    this.buf.set(x, this.pos);
    this.pos += x.length;
  }

  /** Appends one byte (an ASCII character code). */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Appends a non-negative or negative integer (or any number) in JSON form. */
  num(v: number): void {
    if (v >= 0 && v <= 0x7fffffff && v === Math.floor(v)) this.uint(v);
    else this.ascii(String(v));
  }

  /** Appends the decimal digits of an integer in [0, 2^31), straight from the number. */
  uint(v: number): void {
    const n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5 : digits(v);
    if (this.pos + n > this.buf.length) this.reserve(n);
    const b = this.buf;
    let p = this.pos + n;
    this.pos = p;
    do {
      const q = (v / 10) | 0;
      b[--p] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
  }

  /** The bytes written so far, as a string. */
  text(start = 0): string {
    return this.buf.toString('utf8', start, this.pos);
  }

  /**
   * Returns a copy of the bytes written so far, the caller's to keep, and starts again at the
   * beginning of the same buffer. (Handing the buffer itself over and writing on in a fresh one
   * was slower: every line then went to memory not yet in the CPU caches, while one large copy
   * per chunk moves it at full speed. bench/simulate.ts: about 15% of simulateChunks.)
   */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}
